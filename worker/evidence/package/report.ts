import type { DriftReportBody } from "../drift-report.js";
import type { SegmentationBody } from "../segmentation.js";
import type { StoredScopeSnapshot } from "../snapshot.js";
import { renderReport, type PdfSection } from "./pdf.js";

const LIST_CAP = 60;

export interface ReportInput {
  tenantName: string;
  tenantId: string;
  createdAt: Date;
  head: { seq: number; sha256: string } | null;
  kids: string[];
  snapshot?: { seq: number; sha256: string; body: StoredScopeSnapshot };
  segmentation?: { seq: number; sha256: string; body: SegmentationBody };
  drift?: { seq: number; sha256: string; body: DriftReportBody };
  attestation?: { seq: number; sha256: string; body: { requirement: string; attestor: { name: string; title: string | null }; statement: string; confirmedAt: string; nextDueBy: string; reviewed: { scopeSnapshot: { seq: number; sha256: string } } } };
  artifacts: { path: string; kind: string; seq: number; sha256: string }[];
}

const more = (n: number) => (n > LIST_CAP ? [`... and ${n - LIST_CAP} more (see inventory.csv and the artifacts)`] : []);

/** The assessor's PDF: cover, scope summary, method, CDE boundary, violations, drift, attestation, how to verify. */
export function assessorReport(r: ReportInput): Promise<Uint8Array> {
  const s = r.snapshot?.body;
  const g = r.segmentation?.body;
  const sections: PdfSection[] = [];
  sections.push({
    heading: "1. Scope summary (PCI DSS 12.5.1, 12.5.2)",
    paragraphs: s
      ? [
          `Snapshot artifact seq ${r.snapshot!.seq}, SHA-256 ${r.snapshot!.sha256}.`,
          `Classified at ${s.classifiedAt ?? "never"}; last complete scan ${s.lastScan ? `${s.lastScan.scanId} committed ${s.lastScan.committedAt}` : "none"}.`,
          `${s.counts.total} resources: ${Object.entries(s.counts.byScope).sort().map(([k, v]) => `${k} ${v}`).join(", ")}.`,
          "Every resource, its scope, confidence and the reasons (rule ids with PCI DSS references and evidence) are in the snapshot artifact and in inventory.csv.",
          ...("format" in s
            ? [`In the snapshot artifact (body format ${s.format}) each distinct reason is written once, in the body's "reasons" table (${s.reasons.length} reasons); each resource lists its reasons as "reasonRefs", positions in that table counted from 0, the deciding reason first. inventory.csv has them written out per resource.`]
            : []),
        ]
      : ["No scope snapshot is included in this package."],
  });
  sections.push({
    heading: "2. Method",
    paragraphs: [
      "Scope is computed continuously from the cloud inventory and observed network flows collected by a read-only collector in the customer's cloud, following the PCI SSC scoping and segmentation guidance: cde (stores, processes or transmits account data, or has unrestricted connectivity to what does), connected (can communicate with the CDE, by observed flow or by a configured path), security_impacting (provides security or infrastructure services to the CDE), out_of_scope (no path, no influence, with the controls that block every path).",
      "When several apply, the first of cde, security_impacting, connected, out_of_scope wins. Overrides carry an author, time and justification and are audited. Keyword heuristics alone never place a resource in the CDE with high confidence.",
      "The rules, their identifiers and their PCI DSS references are documented in docs/scoping-method.md.",
    ],
  });
  sections.push({
    heading: "3. CDE boundary and segmentation (PCI DSS 1.2.3, 1.3.1, 1.3.2, 11.4.5)",
    paragraphs: g
      ? [
          `Segmentation report artifact seq ${r.segmentation!.seq}, SHA-256 ${r.segmentation!.sha256}. ${g.counts.cde} CDE components; ${g.counts.connections} accepted connections across the CDE boundary${g.connectionsTruncated ? " (truncated)" : ""}; ${g.counts.outOfScope} out-of-scope resources with their blocking controls.`,
          ...g.boundary.slice(0, LIST_CAP).map((b) => `CDE: ${b.name} (${b.kind}, ${b.account} ${b.region}) - ${b.rule ?? "no rule"} - ${b.uid}`),
          ...more(g.boundary.length),
          "The network diagram (1.2.3) and data-flow diagram (1.2.4) are included as SVG under diagrams/, each signed through its artifact (the artifact holds the SVG's SHA-256).",
        ]
      : ["No segmentation report is included in this package."],
  });
  sections.push({
    heading: "4. Segmentation violations",
    paragraphs: g
      ? g.violations.length === 0
        ? ["No segmentation violations were found."]
        : [...g.violations.slice(0, LIST_CAP).map((v) => `[${v.severity}] ${v.kind}: ${v.summary} (${v.pci.join(", ")})`), ...more(g.violations.length)]
      : ["No segmentation report is included."],
  });
  const d = r.drift?.body;
  sections.push({
    heading: "5. Drift (significant change, PCI DSS 12.5.2)",
    paragraphs: d
      ? [
          `Drift report artifact seq ${r.drift!.seq}: from ${d.period.from ? `snapshot seq ${d.period.from.seq} (${d.period.from.createdAt})` : "the beginning"} to snapshot seq ${d.period.to.seq} (${d.period.to.createdAt}). ${d.counts.total} events; significant change: ${d.significantChange ? "yes" : "no"}.`,
          ...d.events.slice(0, LIST_CAP).map((e) => `[${e.severity}] ${e.kind}: ${e.summary}`),
          ...more(d.events.length),
        ]
      : ["No drift report is included in this package."],
  });
  const a = r.attestation?.body;
  sections.push({
    heading: "6. Scope confirmation (PCI DSS 12.5.2 / 12.5.2.1)",
    paragraphs: a
      ? [
          `${a.requirement}: confirmed ${a.confirmedAt} by ${a.attestor.name}${a.attestor.title ? `, ${a.attestor.title}` : ""}. Next confirmation due by ${a.nextDueBy}.`,
          `Reviewed snapshot: seq ${a.reviewed.scopeSnapshot.seq}, SHA-256 ${a.reviewed.scopeSnapshot.sha256}.`,
          `Statement: "${a.statement}"`,
        ]
      : ["No scope confirmation is included in this package."],
  });
  sections.push({
    heading: "7. How to verify this package",
    paragraphs: [
      "Offline with our CLI: `collector verify <package.zip> --pin <key thumbprint>` checks every file hash against manifest.json, the manifest's and every artifact's ES256 signature against jwks.json and the pinned key, and the continuity of the hash chain. It prints PASS or exactly what failed.",
      "Without our CLI: each artifacts/*.json is RFC 8785 canonical JSON; its SHA-256 is listed in manifest.json; its detached JWS (.jws, 'header..signature') verifies over base64url(header) + '.' + base64url(file bytes) with the ES256 key named by kid in jwks.json; each artifact's prevHash equals the SHA-256 of the artifact before it in manifest.json's chain. docs/evidence.md gives openssl commands.",
      `Signing key thumbprints (RFC 7638, SHA-256), compare with https://<api>/.well-known/jwks.json?tenant=${r.tenantId}: ${r.kids.join(", ")}.`,
      r.head ? `Chain head: seq ${r.head.seq}, SHA-256 ${r.head.sha256}.` : "The chain is empty.",
      ...r.artifacts.map((x) => `${x.path}: ${x.kind}, seq ${x.seq}, SHA-256 ${x.sha256}`),
    ],
  });
  return renderReport(
    {
      title: `PCI DSS scope evidence - ${r.tenantName}`,
      lines: [
        `Assessor package generated ${r.createdAt.toISOString()} by PCI Scope Guard.`,
        `Tenant ${r.tenantId}.`,
        "This report summarises the signed artifacts in this package; the artifacts are authoritative.",
      ],
    },
    sections,
    r.createdAt,
  );
}
