/** Evidence and share-link shapes, taken from the API worker's own functions (type-only imports). */
import type { shareLinkView } from "$api/services/share-links/view.js";

/** GET /v1/evidence items (worker/services/evidence/read.ts `artifactView`; written out because that module pulls in the worker's Env). */
export interface ArtifactView {
  id: string;
  seq: number;
  kind: string;
  title: string;
  sha256: string;
  prevHash: string | null;
  kid: string;
  bytes: number;
  createdBy: string;
  createdAt: string;
  retainUntil: string;
}
export type ShareLinkView = ReturnType<typeof shareLinkView>;
export type { ShareGrants } from "$api/services/share-links/grants.js";

/** GET /v1/share: what the link grants and whose it is. */
export interface ShareInfo {
  link: Pick<ShareLinkView, "id" | "grants" | "note" | "expiresAt" | "createdAt">;
  tenant: { name: string };
}

export const EVIDENCE_KIND_LABEL: Record<string, string> = {
  scope_snapshot: "Scope snapshot",
  segmentation_report: "Segmentation report",
  network_diagram: "Network diagram",
  data_flow_diagram: "Data-flow diagram",
  drift_report: "Drift report",
  scope_attestation: "Scope attestation",
  audit_log: "Audit log",
};
export const EVIDENCE_KIND_PCI: Record<string, string> = {
  scope_snapshot: "12.5.1, 12.5.2",
  segmentation_report: "1.3.1, 1.3.2, 11.4.5",
  network_diagram: "1.2.3",
  data_flow_diagram: "1.2.4",
  drift_report: "12.5.2, A3.2.1",
  scope_attestation: "12.5.2, 12.5.2.1",
  audit_log: "who changed what",
};
export const isDiagram = (kind: string) => kind === "network_diagram" || kind === "data_flow_diagram";
