import { Batch } from "../../../contract/index.js";
import type { Logger } from "../log.js";
import type { SeqAllocator } from "../state.js";
import type { BatchDraft } from "./batcher.js";
import type { Spool, SpooledBatch } from "./spool.js";
import type { Transport } from "./transport.js";

const HINTS: Record<string, string> = {
  TIMESTAMP_OUT_OF_WINDOW: "this machine's clock is off; sync it (NTP) and the spooled batches will go",
  COLLECTOR_REVOKED: "this collector was revoked in the web app; enroll a new one",
  UNKNOWN_COLLECTOR: "the API does not know this collector id; enroll again with a new token and a fresh state dir",
  INVALID_SIGNATURE: "the stored key does not match the one enrolled; enroll again with a fresh state dir",
};

export interface EnqueuedBatch {
  seq: number;
  kind: BatchDraft["kind"];
  bytes: number;
}

export interface DrainResult {
  sent: Array<{ seq: number; status: number; body: unknown }>;
  rejected: Array<{ seq: number; status?: number; code: string; message: string; keptAt: string }>;
  /** Still in the spool because the API stayed unreachable; tried again next cycle. */
  pending: number[];
  /** Set when the API refused the collector itself (401/403): nothing more is sent this cycle. */
  halted?: { status?: number; code: string; message: string };
}

/**
 * The one way batches leave the collector: a draft gets the next seq (persisted first),
 * is validated against the contract, serialized once and spooled; drain() sends the
 * spool in seq order and removes each file only after a 2xx.
 */
export class Outbox {
  constructor(
    private readonly deps: { collectorId: string; seqs: SeqAllocator; spool: Spool; log: Logger; now?: () => number },
  ) {}

  async enqueue(draft: BatchDraft): Promise<EnqueuedBatch> {
    const seq = await this.deps.seqs.next();
    const createdAt = new Date((this.deps.now ?? Date.now)()).toISOString();
    // Validate against the one contract before anything is written: a batch the worker
    // would refuse as malformed is a bug here, and should fail loudly here.
    const batch = Batch.parse({ ...draft, collectorId: this.deps.collectorId, seq, createdAt });
    const body = new TextEncoder().encode(JSON.stringify(batch));
    await this.deps.spool.put(seq, body);
    return { seq, kind: batch.kind, bytes: body.byteLength };
  }

  async drain(transport: Transport): Promise<DrainResult> {
    const result: DrainResult = { sent: [], rejected: [], pending: [] };
    const items = await this.deps.spool.list();
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as SpooledBatch;
      const body = await this.deps.spool.read(item);
      const outcome = await transport.send({ seq: item.seq, body });
      if (outcome.kind === "success") {
        await this.deps.spool.remove(item);
        result.sent.push({ seq: item.seq, status: outcome.status, body: outcome.body });
        this.deps.log.debug("batch acknowledged", { seq: item.seq, status: outcome.status });
      } else if (outcome.kind === "failure" && (outcome.status === 401 || outcome.status === 403)) {
        // Not this batch's fault (bad clock, unknown/revoked collector, wrong key): every
        // batch would be refused the same way, so keep them all spooled and stop.
        result.pending = items.slice(i).map((x) => x.seq);
        result.halted = { ...(outcome.status ? { status: outcome.status } : {}), code: outcome.code, message: outcome.message };
        this.deps.log.error("the API refuses this collector; batches stay spooled until this is fixed", {
          status: outcome.status,
          code: outcome.code,
          message: outcome.message,
          hint: HINTS[outcome.code] ?? "check the collector's enrollment in the web app",
          pending: result.pending.length,
        });
        break;
      } else if (outcome.kind === "failure") {
        const keptAt = await this.deps.spool.reject(item, outcome);
        result.rejected.push({ seq: item.seq, status: outcome.status, code: outcome.code, message: outcome.message, keptAt });
        this.deps.log.error("batch rejected by the API; kept for inspection", {
          seq: item.seq,
          status: outcome.status,
          code: outcome.code,
          message: outcome.message,
          keptAt,
        });
      } else {
        // The API is unreachable or overloaded even after retries: keep this and every
        // later batch for the next cycle, in order.
        result.pending = items.slice(i).map((x) => x.seq);
        this.deps.log.warn("API unavailable; batches stay spooled", { pending: result.pending.length, code: outcome.code, message: outcome.message });
        break;
      }
    }
    return result;
  }
}
