import type { ScopeData } from "./source.js";

/** The scope snapshot body (12.5.1 inventory, 12.5.2 scope): every resource, its scope, confidence and reasons. */
export function buildScopeSnapshot(data: ScopeData) {
  const byScope: Record<string, number> = {};
  for (const r of data.resources) byScope[r.scope ?? "unclassified"] = (byScope[r.scope ?? "unclassified"] ?? 0) + 1;
  return {
    classifiedAt: data.summary.classifiedAt === null ? null : new Date(data.summary.classifiedAt).toISOString(),
    lastScan: data.summary.lastScan
      ? { scanId: data.summary.lastScan.scanId, collectorId: data.summary.lastScan.collectorId, committedAt: new Date(data.summary.lastScan.committedAt).toISOString() }
      : null,
    counts: { total: data.resources.length, byScope },
    resources: data.resources.map((r) => ({
      uid: r.uid,
      provider: r.provider,
      account: r.account,
      region: r.region,
      kind: r.kind,
      name: r.name,
      tags: r.tags,
      scope: r.scope,
      confidence: r.confidence,
      overridden: r.overridden,
      stale: r.stale,
      firstSeen: new Date(r.firstSeen).toISOString(),
      lastSeen: new Date(r.lastSeen).toISOString(),
      reasons: r.reasons,
    })),
  };
}
export type ScopeSnapshotBody = ReturnType<typeof buildScopeSnapshot>;
