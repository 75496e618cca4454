import type { ScopeData } from "./source.js";

/**
 * The scope snapshot body (12.5.1 inventory, 12.5.2 scope): every resource, its scope,
 * confidence and reasons. Keys are written in RFC 8785 order (UTF-16 code-unit sort), so
 * canonicalization walks the 10,000 resource objects without copying them; only the parts
 * that come from stored data (tags, reasons) may need reordering.
 */
export function buildScopeSnapshot(data: ScopeData) {
  const byScope: Record<string, number> = {};
  for (const r of data.resources) byScope[r.scope ?? "unclassified"] = (byScope[r.scope ?? "unclassified"] ?? 0) + 1;
  const last = data.summary.lastScan;
  return {
    classifiedAt: data.summary.classifiedAt === null ? null : new Date(data.summary.classifiedAt).toISOString(),
    counts: { byScope: Object.fromEntries(Object.entries(byScope).sort(([a], [b]) => (a < b ? -1 : 1))), total: data.resources.length },
    lastScan: last ? { collectorId: last.collectorId, committedAt: new Date(last.committedAt).toISOString(), scanId: last.scanId } : null,
    resources: data.resources.map((r) => ({
      account: r.account,
      confidence: r.confidence,
      firstSeen: new Date(r.firstSeen).toISOString(),
      kind: r.kind,
      lastSeen: new Date(r.lastSeen).toISOString(),
      name: r.name,
      overridden: r.overridden,
      provider: r.provider,
      reasons: r.reasons,
      region: r.region,
      scope: r.scope,
      stale: r.stale,
      tags: r.tags,
      uid: r.uid,
    })),
  };
}
export type ScopeSnapshotBody = ReturnType<typeof buildScopeSnapshot>;
