import type { Finding } from "./findings.js";

/** OCSF schema version the records follow; Detection Finding is class 2004 in category 2 (Findings). */
export const OCSF_VERSION = "1.3.0";
export const PRODUCT = { name: "PCI Scope Guard", vendor_name: "PCI Scope Guard", version: "0.1.0" } as const;

const SEVERITY_ID = { low: 2, medium: 3, high: 4, critical: 5 } as const;
const SEVERITY_NAME = { low: "Low", medium: "Medium", high: "High", critical: "Critical" } as const;
/** Finding status: 1 New, 2 In Progress, 4 Resolved. */
const STATUS = { open: [1, "New"], acknowledged: [2, "In Progress"], resolved: [4, "Resolved"] } as const;
/** Activity: 1 Create (a new finding), 2 Update (triaged), 3 Close (resolved). */
const ACTIVITY = { open: [1, "Create"], acknowledged: [2, "Update"], resolved: [3, "Close"] } as const;

/** One OCSF Detection Finding (2004) event for a finding. */
export function ocsfDetectionFinding(f: Finding, tenantId: string) {
  const [activityId, activityName] = ACTIVITY[f.status];
  const [statusId, status] = STATUS[f.status];
  return {
    activity_id: activityId,
    activity_name: activityName,
    category_uid: 2,
    category_name: "Findings",
    class_uid: 2004,
    class_name: "Detection Finding",
    type_uid: 2004 * 100 + activityId,
    type_name: `Detection Finding: ${activityName}`,
    time: f.time,
    severity_id: SEVERITY_ID[f.severity],
    severity: SEVERITY_NAME[f.severity],
    status_id: statusId,
    status,
    message: f.summary,
    ...(f.statusComment ? { comment: f.statusComment } : {}),
    metadata: { version: OCSF_VERSION, product: PRODUCT, tenant_uid: tenantId, uid: f.uid },
    finding_info: {
      uid: f.uid,
      title: f.title,
      desc: f.summary,
      types: [f.kind],
      first_seen_time: f.firstSeen,
      last_seen_time: f.lastSeen,
      data_sources: ["cloud inventory", "flow logs"],
    },
    resources: f.subjects.map((uid) => ({ uid, ...cloudOf(uid) })),
    unmapped: { pci_dss: f.pci, source: f.source, evidence: f.evidence, ...(f.change ? { change: f.change } : {}) },
  };
}

/** The provider a uid belongs to, from its shape (ARN, Azure resource id, GCP self-link). */
function cloudOf(uid: string): { cloud_partition?: string; type?: string } {
  if (uid.startsWith("arn:")) return { cloud_partition: uid.split(":")[1] ?? "aws", type: uid.split(":")[2] ?? "aws" };
  if (uid.startsWith("/subscriptions/")) return { type: "azure" };
  if (uid.startsWith("//") || uid.includes("googleapis.com")) return { type: "gcp" };
  return {};
}

/** JSON lines: one event per line, no framing, as SIEM collectors and `jq -c` expect. */
export const ocsfLine = (f: Finding, tenantId: string) => `${JSON.stringify(ocsfDetectionFinding(f, tenantId))}\n`;
