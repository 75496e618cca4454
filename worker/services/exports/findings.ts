import type { DriftEventView, ViolationStatus, ViolationView } from "../../durable-objects/tenant-scope/interface.js";
import type { Evidence } from "../../scope/types.js";
import type { Severity } from "../../scope/violations.js";
import { pages, type ExportReader } from "./reader.js";

/**
 * What a SIEM gets, whatever the wire format: a segmentation violation (with its lifecycle) or
 * a scope decision that changed. One shape so OCSF and CEF say the same thing.
 */
export interface Finding {
  /** `violation:<id>` or `drift:<id>`: stable, so a SIEM can de-duplicate re-exports. */
  uid: string;
  source: "violation" | "scope_change";
  /** The violation kind, or `scope_changed`. */
  kind: string;
  severity: Severity;
  title: string;
  summary: string;
  pci: string[];
  /** Resource uids the finding is about. */
  subjects: string[];
  status: ViolationStatus;
  statusComment: string | null;
  /** Unix ms: the event time (last status change, or when the change was recorded). */
  time: number;
  firstSeen: number;
  lastSeen: number;
  evidence: Evidence[];
  /** For scope changes: the decision before and after. */
  change?: { before: unknown; after: unknown; cause: string };
}

const TITLES: Record<string, string> = {
  flow_cde_out_of_scope: "Observed traffic between the CDE and an out-of-scope system",
  path_cde_out_of_scope: "Network path from an out-of-scope system into the CDE",
  internet_to_cde: "CDE component reachable from the internet",
  unmapped_ip_to_cde: "Traffic to the CDE from an address that is no known resource",
  scope_changed: "PCI DSS scope decision changed",
};

export function violationFinding(v: ViolationView): Finding {
  return {
    uid: `violation:${v.id}`,
    source: "violation",
    kind: v.kind,
    severity: v.severity,
    title: TITLES[v.kind] ?? v.kind,
    summary: v.summary,
    pci: v.pci,
    subjects: v.subjects,
    status: v.status,
    statusComment: v.statusComment,
    time: v.statusAt ?? v.lastSeen,
    firstSeen: v.firstSeen,
    lastSeen: v.lastSeen,
    evidence: v.evidence,
  };
}

export function scopeChangeFinding(d: DriftEventView): Finding {
  return {
    uid: `drift:${d.id}`,
    source: "scope_change",
    kind: d.kind,
    severity: d.severity,
    title: TITLES[d.kind] ?? d.kind,
    summary: d.summary,
    // A scope change is a significant change: confirm scope again (12.5.2), and for service providers A3.2.1.
    pci: ["PCI DSS 12.5.2"],
    subjects: [d.uid],
    status: "open",
    statusComment: null,
    time: d.at,
    firstSeen: d.at,
    lastSeen: d.at,
    evidence: [],
    change: { before: d.before, after: d.after, cause: d.cause },
  };
}

export interface FindingsFilter {
  /** Unix ms: violations seen or changed since, scope changes recorded since. */
  since?: number;
}

/** Violations (critical first, as the object lists them), then scope changes (newest first), a page at a time. */
export async function* findingPages(reader: ExportReader, filter: FindingsFilter = {}, pageSize = 500): AsyncGenerator<Finding[]> {
  const since = filter.since;
  for await (const items of pages((cursor) => reader.listViolations({ limit: pageSize, ...(cursor ? { cursor } : {}) }))) {
    yield items.filter((v) => since === undefined || Math.max(v.lastSeen, v.statusAt ?? 0) >= since).map(violationFinding);
  }
  for await (const items of pages((cursor) => reader.listDrift({ kind: "scope_changed", limit: pageSize, ...(since !== undefined ? { since } : {}), ...(cursor ? { cursor } : {}) }))) {
    yield items.map(scopeChangeFinding);
  }
}
