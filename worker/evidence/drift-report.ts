import { diffScans, type ScanSnapshot } from "../scope/drift.js";
import type { RuleId, Scope } from "../scope/types.js";
import type { SegmentationBody } from "./segmentation.js";
import { snapshotResources, type StoredScopeSnapshot } from "./snapshot.js";

/** The drift-relevant view of a signed snapshot (+ its segmentation report), in the scope engine's shape. */
export function scanSnapshotOf(snapshot: StoredScopeSnapshot, seg: SegmentationBody | undefined): ScanSnapshot {
  const resources = snapshotResources(snapshot);
  const flows = new Map<string, ScanSnapshot["boundaryFlows"][number]>();
  for (const c of seg?.connections ?? []) {
    const key = c.direction === "outbound" ? `${c.cdeUid}>${c.other}:${c.dstPort}/${c.protocol}` : `${c.other}>${c.cdeUid}:${c.dstPort}/${c.protocol}`;
    const held = flows.get(key);
    if (held) held.bytes += c.bytes;
    else flows.set(key, { key, cdeUid: c.cdeUid, other: c.other, otherScope: c.otherScope as Scope | "unmapped", dstPort: c.dstPort, protocol: c.protocol, bytes: c.bytes, lastSeen: Date.parse(c.lastSeen) });
  }
  return {
    resources: resources.map((r) => ({ uid: r.uid, kind: r.kind, name: r.name })),
    decisions: resources
      .filter((r) => r.scope !== null)
      .map((r) => ({ uid: r.uid, scope: r.scope!, confidence: r.confidence ?? 0, rule: (r.reasons[0]?.rule ?? "unclassified") as RuleId })),
    cdeControls: (seg?.cdeControls ?? []).map((rule) => {
      const peer = rule.peer.kind === "any" ? "any" : `${rule.peer.kind}:${rule.peer.value}`;
      return { id: rule.id, owner: rule.ownerUid, type: "rule" as const, text: `${rule.direction} ${rule.action} ${rule.protocol} ${rule.fromPort}-${rule.toPort} ${peer} priority ${rule.priority}` };
    }),
    boundaryFlows: [...flows.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    stale: resources.filter((r) => r.stale).map((r) => r.uid).sort(),
  };
}

export interface DriftEndpoint {
  artifactId: string;
  seq: number;
  sha256: string;
  createdAt: string;
}

/**
 * The drift report for a period: every significant change (12.5.2) between the snapshot that
 * opened it and the one that closes it, compared with the scope engine's own diffScans.
 */
export function buildDriftReport(
  from: { ref: DriftEndpoint; snapshot: StoredScopeSnapshot; seg: SegmentationBody | undefined } | undefined,
  to: { ref: DriftEndpoint; snapshot: StoredScopeSnapshot; seg: SegmentationBody | undefined },
) {
  const events = from ? diffScans(scanSnapshotOf(from.snapshot, from.seg), scanSnapshotOf(to.snapshot, to.seg)) : [];
  const bySeverity: Record<string, number> = {};
  const byKind: Record<string, number> = {};
  for (const e of events) {
    bySeverity[e.severity] = (bySeverity[e.severity] ?? 0) + 1;
    byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
  }
  return {
    period: { from: from?.ref ?? null, to: to.ref },
    note: from ? null : "first snapshot of this tenant: no earlier snapshot to compare with",
    significantChange: events.some((e) => e.severity === "high" || e.severity === "critical"),
    counts: { total: events.length, bySeverity, byKind },
    events,
  };
}
export type DriftReportBody = ReturnType<typeof buildDriftReport>;
