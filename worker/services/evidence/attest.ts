import { ApiError } from "../../errors/index.js";
import type { SegmentationBody } from "../../evidence/segmentation.js";
import type { StoredScopeSnapshot } from "../../evidence/snapshot.js";
import { appendArtifacts, type SealedRef } from "./append.js";
import type { EvidenceCtx } from "./ctx.js";
import { generateEvidence } from "./generate.js";
import { artifactView, findArtifact, latestOfKind, readArtifactBody } from "./read.js";

export interface AttestInput {
  name: string;
  title?: string | undefined;
  statement: string;
  /** Service providers confirm every 6 months (12.5.2.1), others every 12 (12.5.2). */
  serviceProvider?: boolean | undefined;
  /** The snapshot reviewed; default: a fresh one made now. */
  snapshotId?: string | undefined;
}

const MONTH_MS = 30.44 * 86_400_000;

/**
 * The scope confirmation of 12.5.2 / 12.5.2.1: a named admin confirms the reviewed snapshot,
 * with their statement, as a signed artifact that names the snapshot (and its segmentation
 * report) by hash, so the confirmation cannot be moved to another scope.
 */
export async function attestScope(ctx: EvidenceCtx, input: AttestInput) {
  let snapshotRow = input.snapshotId ? await findArtifact(ctx, input.snapshotId) : undefined;
  if (snapshotRow && snapshotRow.kind !== "scope_snapshot") throw new ApiError("INVALID_REQUEST", "snapshotId: not a scope snapshot");
  if (!snapshotRow) {
    await generateEvidence(ctx, { kinds: ["scope_snapshot", "segmentation_report", "network_diagram", "data_flow_diagram"] });
    snapshotRow = (await latestOfKind(ctx, "scope_snapshot"))!;
  }
  const segRow = await latestOfKind(ctx, "segmentation_report", snapshotRow.seq + 2);
  const snapshot = await readArtifactBody<StoredScopeSnapshot>(ctx, snapshotRow);
  const seg = segRow && segRow.seq > snapshotRow.seq ? await readArtifactBody<SegmentationBody>(ctx, segRow) : undefined;
  const ref = (r: typeof snapshotRow): Omit<SealedRef, "kind"> => ({ artifactId: r.id, seq: r.seq, sha256: r.sha256, createdAt: new Date(r.createdAt).toISOString() });
  const now = ctx.now();
  const months = input.serviceProvider ? 6 : 12;
  const body = {
    requirement: input.serviceProvider ? "PCI DSS 12.5.2.1" : "PCI DSS 12.5.2",
    attestor: { name: input.name, title: input.title ?? null, actor: ctx.actor },
    statement: input.statement,
    confirmedAt: new Date(now).toISOString(),
    nextDueBy: new Date(now + months * MONTH_MS).toISOString().slice(0, 10),
    reviewed: {
      scopeSnapshot: ref(snapshotRow),
      segmentationReport: seg && segRow ? ref(segRow) : null,
      counts: snapshot.counts,
      violations: seg?.counts.violations ?? null,
    },
    covers: [
      "data flows (1.2.4 data-flow diagram)",
      "locations of account data (CDE components in the snapshot)",
      "CDE, connected-to and security-impacting components (the snapshot)",
      "segmentation controls (segmentation report)",
    ],
  };
  const [row] = await appendArtifacts(ctx, [{ kind: "scope_attestation", title: `Scope confirmation (${body.requirement}) by ${input.name}`, body }], {
    action: "scope.attest",
    detail: { name: input.name, snapshot: snapshotRow.id },
  });
  return artifactView(row!);
}
