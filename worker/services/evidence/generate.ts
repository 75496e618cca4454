import type { EvidenceKind } from "../../db/schema/index.js";
import { sha256HexOf } from "../../evidence/canonical.js";
import { dataFlowDiagram, networkDiagram } from "../../evidence/diagrams.js";
import { buildDriftReport, type DriftEndpoint } from "../../evidence/drift-report.js";
import { buildSegmentationReport, type SegmentationBody } from "../../evidence/segmentation.js";
import { buildScopeSnapshot, type ScopeSnapshotBody, type StoredScopeSnapshot } from "../../evidence/snapshot.js";
import { collectScopeData, type ScopeData, type ScopeReader } from "../../evidence/source.js";
import { readAuditChain, sealAuditChain } from "../audit/seal.js";
import { appendArtifacts, type NewArtifact } from "./append.js";
import type { EvidenceCtx } from "./ctx.js";
import { artifactView, latestOfKind, readArtifactBody } from "./read.js";

/** What a scheduled or "generate all" run produces (attestations are made by a person, not here). */
export const GENERATED_KINDS = ["scope_snapshot", "segmentation_report", "network_diagram", "data_flow_diagram", "drift_report", "audit_log"] as const satisfies readonly EvidenceKind[];
export type GeneratedKind = (typeof GENERATED_KINDS)[number];

/** The artifacts of one generation from a tenant's scope, in chain order. Pure apart from hashing. */
export async function buildArtifacts(
  data: ScopeData,
  kinds: ReadonlySet<GeneratedKind>,
  previous?: { ref: DriftEndpoint; snapshot: StoredScopeSnapshot; seg: SegmentationBody | undefined },
): Promise<{ items: NewArtifact[]; snapshot: ScopeSnapshotBody; seg: SegmentationBody }> {
  const items: NewArtifact[] = [];
  const when = new Date(data.generatedAt).toISOString();
  const snapshot = buildScopeSnapshot(data);
  const seg = buildSegmentationReport(data);
  if (kinds.has("scope_snapshot")) items.push({ kind: "scope_snapshot", title: `Scope snapshot — ${data.resources.length} resources — ${when}`, body: snapshot });
  if (kinds.has("segmentation_report")) items.push({ kind: "segmentation_report", title: `Segmentation report — ${seg.counts.violations} violations — ${when}`, body: seg });
  for (const [kind, make, what] of [
    ["network_diagram", networkDiagram, "Network diagram (1.2.3)"],
    ["data_flow_diagram", dataFlowDiagram, "Data-flow diagram (1.2.4)"],
  ] as const) {
    if (!kinds.has(kind)) continue;
    const d = make(data, seg);
    items.push({ kind, title: `${what} — ${when}`, body: { graph: d.graph, svgSha256: await sha256HexOf(new TextEncoder().encode(d.svg)), svgBytes: new TextEncoder().encode(d.svg).byteLength }, svg: d.svg });
  }
  if (kinds.has("drift_report")) {
    items.push({
      kind: "drift_report",
      title: `Drift report — since ${previous?.ref.createdAt ?? "the beginning"}`,
      body: null,
      bodyFrom: (earlier) => {
        const own = earlier.find((e) => e.kind === "scope_snapshot")!;
        return buildDriftReport(previous, { ref: { artifactId: own.artifactId, seq: own.seq, sha256: own.sha256, createdAt: own.createdAt }, snapshot, seg });
      },
    });
  }
  return { items, snapshot, seg };
}

/**
 * On-demand and scheduled generation: reads the tenant's scope from its object, builds the
 * requested artifacts (a drift report always brings the snapshot it closes on), seals the
 * audit log, and appends everything to the chain in one go.
 */
export async function generateEvidence(ctx: EvidenceCtx, input: { kinds?: GeneratedKind[] } = {}) {
  const kinds = new Set<GeneratedKind>(input.kinds?.length ? input.kinds : GENERATED_KINDS);
  if (kinds.has("drift_report")) {
    kinds.add("scope_snapshot");
    kinds.add("segmentation_report");
  }
  const items: NewArtifact[] = [];
  const needsScope = [...kinds].some((k) => k !== "audit_log");
  if (needsScope) {
    const data = await collectScopeData(ctx.scope as unknown as ScopeReader, { id: ctx.tenantId, name: await ctx.tenantName() }, ctx.now());
    let previous: Parameters<typeof buildArtifacts>[2];
    if (kinds.has("drift_report")) {
      const prev = await latestOfKind(ctx, "scope_snapshot");
      if (prev) {
        const prevSeg = await latestOfKind(ctx, "segmentation_report", prev.seq + 2);
        previous = {
          ref: { artifactId: prev.id, seq: prev.seq, sha256: prev.sha256, createdAt: new Date(prev.createdAt).toISOString() },
          snapshot: await readArtifactBody<StoredScopeSnapshot>(ctx, prev),
          seg: prevSeg ? await readArtifactBody<SegmentationBody>(ctx, prevSeg) : undefined,
        };
      }
    }
    items.push(...(await buildArtifacts(data, kinds, previous)).items);
  }
  if (kinds.has("audit_log")) {
    const head = await sealAuditChain(ctx);
    const entries = await readAuditChain(ctx);
    items.push({ kind: "audit_log", title: `Audit log — ${entries.length} entries to seq ${head.seq}`, body: { head, entries } });
  }
  const rows = await appendArtifacts(ctx, items);
  return { artifacts: rows.map(artifactView) };
}
