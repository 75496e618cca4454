import type { Logger } from "../log.js";
import type { OutgoingBatch, SendResult, Transport } from "./transport.js";

export interface RetryOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Longest Retry-After honoured; a server asking for more is waited on this long at most. */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  log?: Logger;
}

/**
 * Wraps a transport with retries: exponential backoff with full jitter, capped, and a
 * server's Retry-After honoured. Failures (4xx other than 408/429) are not retried.
 * If every attempt was retryable, the last retryable result is returned and the batch
 * stays in the spool for the next cycle.
 */
export class RetryingTransport implements Transport {
  constructor(
    private readonly inner: Transport,
    private readonly opts: RetryOptions = {},
  ) {}

  async send(batch: OutgoingBatch): Promise<SendResult> {
    const maxAttempts = this.opts.maxAttempts ?? 8;
    const base = this.opts.baseDelayMs ?? 500;
    const cap = this.opts.maxDelayMs ?? 60_000;
    const sleep = this.opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const random = this.opts.random ?? Math.random;
    let last: SendResult | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      last = await this.inner.send(batch);
      if (last.kind !== "retryable") return last;
      if (attempt === maxAttempts) break;
      const backoff = random() * Math.min(cap, base * 2 ** (attempt - 1));
      const delay =
        last.retryAfterMs !== undefined ? Math.min(Math.max(last.retryAfterMs, backoff), this.opts.maxRetryAfterMs ?? 300_000) : backoff;
      this.opts.log?.warn("send retry", { seq: batch.seq, attempt, status: last.status, code: last.code, delayMs: Math.round(delay) });
      await sleep(delay);
    }
    return last!;
  }
}
