import type { Reason } from "../scope/types.js";
import { canonicalText } from "./canonical.js";
import type { ScopeData, ScopeResource } from "./source.js";

/**
 * The body's own format. Version 1 (no `format` field; every resource held its `reasons` in
 * full) is what artifacts sealed before it hold, and they stay readable: `snapshotResources`
 * reads both. Version 2 writes each distinct reason once, in a top-level `reasons` table, and
 * each resource names its reasons by index (`reasonRefs`), in the decision's order.
 */
export const SCOPE_SNAPSHOT_FORMAT = "psg-scope-snapshot/2";

/** A resource's inventory facts and decision, as both versions write them (keys in JCS order). */
interface SnapshotResourceFacts {
  account: string;
  confidence: number | null;
  firstSeen: string;
  kind: string;
  lastSeen: string;
  name: string;
  overridden: boolean;
  provider: string;
  region: string;
  scope: ScopeResource["scope"];
  stale: boolean;
  tags: Record<string, string>;
  uid: string;
}

/** A resource with its reasons written out: a version 1 body's resources, and what readers get from either version. */
export type SnapshotResource = SnapshotResourceFacts & { reasons: Reason[] };

interface SnapshotHead {
  classifiedAt: string | null;
  counts: { byScope: Record<string, number>; total: number };
  lastScan: { collectorId: string; committedAt: string; scanId: string } | null;
}

export interface ScopeSnapshotV1 extends SnapshotHead {
  resources: SnapshotResource[];
}

export interface ScopeSnapshotBody extends SnapshotHead {
  format: typeof SCOPE_SNAPSHOT_FORMAT;
  /** Every distinct reason (equal by RFC 8785 bytes) once, in order of first use (resources by uid, reasons in decision order). */
  reasons: Reason[];
  resources: (SnapshotResourceFacts & { reasonRefs: number[] })[];
}

/** A snapshot body as stored: artifacts sealed before version 2 are version 1. */
export type StoredScopeSnapshot = ScopeSnapshotBody | ScopeSnapshotV1;

/**
 * The reasons table and each resource's indices into it. Reasons are equal when their RFC 8785
 * bytes are; the engine's reasons all have the same key order, so native JSON text finds the
 * duplicates cheaply and only each distinct text is canonicalized (which also merges two texts
 * that differ only in key order). An object met before (the stored shared no-path reason, one
 * copy per page) is looked up by identity and not written out at all.
 */
function reasonTable(resources: readonly ScopeResource[]): { reasons: Reason[]; refs: number[][] } {
  const reasons: Reason[] = [];
  const byObject = new Map<object, number>();
  const byText = new Map<string, number>();
  const byCanonical = new Map<string, number>();
  const refOf = (reason: Reason): number => {
    let i = byObject.get(reason);
    if (i !== undefined) return i;
    const text = JSON.stringify(reason);
    i = byText.get(text);
    if (i === undefined) {
      const canonical = canonicalText(reason);
      i = byCanonical.get(canonical);
      if (i === undefined) {
        i = reasons.length;
        reasons.push(reason);
        byCanonical.set(canonical, i);
      }
      byText.set(text, i);
    }
    byObject.set(reason, i);
    return i;
  };
  return { reasons, refs: resources.map((r) => r.reasons.map(refOf)) };
}

/**
 * The scope snapshot body (12.5.1 inventory, 12.5.2 scope): every resource, its scope,
 * confidence and reasons — the reasons through the table (version 2). Keys are written in
 * RFC 8785 order (UTF-16 code-unit sort), so canonicalization walks the 10,000 resource objects
 * without copying them; only the parts that come from stored data (tags, reasons) may need
 * reordering. Deterministic: the same scope data gives the same bytes.
 */
export function buildScopeSnapshot(data: ScopeData): ScopeSnapshotBody {
  const byScope: Record<string, number> = {};
  for (const r of data.resources) byScope[r.scope ?? "unclassified"] = (byScope[r.scope ?? "unclassified"] ?? 0) + 1;
  const last = data.summary.lastScan;
  const { reasons, refs } = reasonTable(data.resources);
  return {
    classifiedAt: data.summary.classifiedAt === null ? null : new Date(data.summary.classifiedAt).toISOString(),
    counts: { byScope: Object.fromEntries(Object.entries(byScope).sort(([a], [b]) => (a < b ? -1 : 1))), total: data.resources.length },
    format: SCOPE_SNAPSHOT_FORMAT,
    lastScan: last ? { collectorId: last.collectorId, committedAt: new Date(last.committedAt).toISOString(), scanId: last.scanId } : null,
    reasons,
    resources: data.resources.map((r, i) => ({
      account: r.account,
      confidence: r.confidence,
      firstSeen: new Date(r.firstSeen).toISOString(),
      kind: r.kind,
      lastSeen: new Date(r.lastSeen).toISOString(),
      name: r.name,
      overridden: r.overridden,
      provider: r.provider,
      reasonRefs: refs[i]!,
      region: r.region,
      scope: r.scope,
      stale: r.stale,
      tags: r.tags,
      uid: r.uid,
    })),
  };
}

/**
 * Every resource of a stored snapshot with its reasons written out, whichever version the body
 * is: a version 1 body's resources as they are; a version 2 body's with each `reasonRefs`
 * looked up in its `reasons` table (the table's objects, not copies). A body of another format,
 * or a reference outside the table, is an error naming it.
 */
export function snapshotResources(body: StoredScopeSnapshot): SnapshotResource[] {
  const format = (body as { format?: unknown }).format;
  if (format === undefined) return (body as ScopeSnapshotV1).resources;
  if (format !== SCOPE_SNAPSHOT_FORMAT) throw new Error(`scope snapshot: unknown body format ${JSON.stringify(format)} (this reader knows version 1 and ${SCOPE_SNAPSHOT_FORMAT})`);
  const { reasons, resources } = body as ScopeSnapshotBody;
  return resources.map(({ reasonRefs, ...facts }) => ({
    ...facts,
    reasons: reasonRefs.map((i) => {
      const reason = Number.isInteger(i) ? reasons[i] : undefined;
      if (reason === undefined) throw new Error(`scope snapshot: resource ${facts.uid} names reason ${JSON.stringify(i)}, but the reasons table has ${reasons.length} (0–${reasons.length - 1})`);
      return reason;
    }),
  }));
}
