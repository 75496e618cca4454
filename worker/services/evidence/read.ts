import { and, asc, desc, eq, lt } from "drizzle-orm";
import { evidenceArtifacts, type EvidenceArtifactRow, type EvidenceKind } from "../../db/schema/index.js";
import type { Artifact } from "../../evidence/artifact.js";
import { ApiError } from "../../errors/index.js";
import type { EvidenceCtx } from "./ctx.js";

export async function findArtifact(ctx: EvidenceCtx, id: string): Promise<EvidenceArtifactRow> {
  const row = await ctx.db.first(evidenceArtifacts, eq(evidenceArtifacts.id, id));
  if (!row) throw new ApiError("NOT_FOUND", "no such evidence artifact");
  return row;
}

export interface ArtifactFiles {
  row: EvidenceArtifactRow;
  /** The exact canonical bytes that were hashed and signed. */
  json: Uint8Array;
  jws: string;
  svg: string | null;
}

export async function readArtifactFiles(ctx: EvidenceCtx, row: EvidenceArtifactRow): Promise<ArtifactFiles> {
  const [json, jws, svg] = await Promise.all([
    ctx.blobs.get(`${row.r2Key}.json`),
    ctx.blobs.get(`${row.r2Key}.jws`),
    row.kind === "network_diagram" || row.kind === "data_flow_diagram" ? ctx.blobs.get(`${row.r2Key}.svg`) : Promise.resolve(null),
  ]);
  if (!json || !jws) throw new ApiError("INTERNAL", `evidence ${row.id} is indexed but its bytes are missing from storage`);
  return { row, json: new Uint8Array(await json.arrayBuffer()), jws: await jws.text(), svg: svg ? await svg.text() : null };
}

export async function readArtifactBody<B>(ctx: EvidenceCtx, row: EvidenceArtifactRow): Promise<B> {
  const files = await readArtifactFiles(ctx, row);
  return (JSON.parse(new TextDecoder().decode(files.json)) as Artifact<B>).body;
}

/** The latest artifact of a kind, optionally before a seq. */
export async function latestOfKind(ctx: EvidenceCtx, kind: EvidenceKind, beforeSeq?: number): Promise<EvidenceArtifactRow | undefined> {
  const where = beforeSeq === undefined ? eq(evidenceArtifacts.kind, kind) : and(eq(evidenceArtifacts.kind, kind), lt(evidenceArtifacts.seq, beforeSeq));
  return (await ctx.db.select(evidenceArtifacts, { where, orderBy: [desc(evidenceArtifacts.seq)], limit: 1 }))[0];
}

/** The whole chain index, oldest first (small rows; the bytes stay in R2). */
export async function chainIndex(ctx: EvidenceCtx): Promise<EvidenceArtifactRow[]> {
  return ctx.db.select(evidenceArtifacts, { orderBy: [asc(evidenceArtifacts.seq)] });
}

/** What list and detail routes show of an index row. */
export function artifactView(row: EvidenceArtifactRow) {
  return {
    id: row.id,
    seq: row.seq,
    kind: row.kind,
    title: row.title,
    sha256: row.sha256,
    prevHash: row.prevHash,
    kid: row.kid,
    bytes: row.bytes,
    createdBy: row.createdBy,
    createdAt: new Date(row.createdAt).toISOString(),
    retainUntil: new Date(row.retainUntil).toISOString(),
  };
}
