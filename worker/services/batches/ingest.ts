import { and, eq, sql } from "drizzle-orm";
import type { Batch, IngestResponse } from "../../../contract/index.js";
import type { ServiceCtx } from "../../context.js";
import { batches, collectors } from "../../db/schema/index.js";
import { ApiError } from "../../errors/index.js";
import { coverageWrites } from "../collectors/coverage.js";

export interface IngestInput {
  collectorId: string;
  seq: number;
  sha256: string;
  /** The exact bytes that were signed. */
  body: Uint8Array;
  batch: Batch;
}

/** How long a collector should wait before resending a batch the Durable Object could not apply. */
export const APPLY_RETRY_AFTER_SECONDS = 5;

export function batchKey(tenantId: string, collectorId: string, seq: number): string {
  return `${tenantId}/batches/${collectorId}/${seq}.json`;
}

/**
 * Durability order (DESIGN §8/§9): raw bytes to R2 → index row `stored` in D1 → apply in the
 * tenant's Durable Object (idempotent by collector+seq there too) → index row `applied`.
 * The collector is acknowledged only at the end, so a crash anywhere means it resends, and
 * a resend of a stored-but-unapplied seq is applied then; an applied one is acknowledged.
 */
export async function ingestBatch(ctx: ServiceCtx & { blobs: R2Bucket }, input: IngestInput): Promise<IngestResponse> {
  const { collectorId, seq, sha256 } = input;
  const thisSeq = and(eq(batches.collectorId, collectorId), eq(batches.seq, seq));
  const ack = (status: IngestResponse["status"], scan?: IngestResponse["scan"]): IngestResponse => ({ status, collectorId, seq, ...(scan ? { scan } : {}) });

  let row = await ctx.db.first(batches, thisSeq);
  if (row && row.sha256 !== sha256) throw seqConflict(seq);
  if (row?.status === "applied") return ack("duplicate");

  const r2Key = batchKey(ctx.tenantId, collectorId, seq);
  if (!row) {
    await retryable("store the batch", () => ctx.blobs.put(r2Key, input.body, {
      sha256,
      httpMetadata: { contentType: "application/json" },
      customMetadata: { tenantId: ctx.tenantId, collectorId, seq: String(seq), kind: input.batch.kind },
    }));
    const inserted = await ctx.db
      .insert(batches, {
        collectorId,
        seq,
        kind: input.batch.kind,
        sha256,
        bytes: input.body.byteLength,
        r2Key,
        status: "stored",
        receivedAt: ctx.now(),
      })
      .onConflictDoNothing()
      .run();
    if (inserted.meta.changes === 0) {
      // A concurrent request with the same seq got there first.
      row = await ctx.db.first(batches, thisSeq);
      if (row && row.sha256 !== sha256) throw seqConflict(seq);
    }
  }

  let result;
  try {
    result = await ctx.scope.applyBatch({ collectorId, seq, batch: input.batch });
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: "apply failed; batch kept in R2 for the resend", tenantId: ctx.tenantId, collectorId, seq, error: String(err) }));
    throw unavailable("the batch is stored but could not be applied yet; resend it");
  }

  if (result.outcome === "rejected") {
    // Contradicts what the tenant's graph holds: undo the storing so a rejection changes nothing.
    await ctx.db.delete(batches, thisSeq).run();
    await ctx.blobs.delete(r2Key);
    throw new ApiError("MALFORMED_BATCH", result.message);
  }

  const now = ctx.now();
  await ctx.db.batch([
    ...(input.batch.kind === "inventory" ? coverageWrites(ctx.db, collectorId, input.batch, result.commit !== undefined, now) : []),
    ctx.db.update(batches, { status: "applied", appliedAt: now }, thisSeq),
    ctx.db.update(
      collectors,
      {
        lastSeenAt: now,
        lastSeq: sql`max(${collectors.lastSeq}, ${seq})`,
        ...(input.batch.kind === "heartbeat" ? { version: input.batch.version } : {}),
      },
      eq(collectors.id, collectorId),
    ),
  ]);
  return ack(result.outcome === "duplicate" ? "duplicate" : "applied", result.kind === "inventory" ? result.scan : undefined);
}

function unavailable(message: string): ApiError {
  return new ApiError("UNAVAILABLE", message, { headers: { "retry-after": String(APPLY_RETRY_AFTER_SECONDS) } });
}

/** Storage hiccups before the acknowledgement are the collector's cue to resend, not a 500. */
async function retryable<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    console.error(JSON.stringify({ level: "error", msg: `could not ${what}`, error: String(err) }));
    throw unavailable(`could not ${what}; resend it`);
  }
}

function seqConflict(seq: number): ApiError {
  return new ApiError("SEQ_CONFLICT", `seq ${seq} was already received with a different body; sequence numbers must not be reused`);
}
