import { ErrorBody } from "../../../contract/index.js";
import { signBatch } from "./signer.js";

/** How one attempt to deliver a batch ended. */
export type SendResult =
  | { kind: "success"; status: number; body: unknown }
  | { kind: "failure"; status?: number; code: string; message: string }
  | { kind: "retryable"; status?: number; code: string; message: string; retryAfterMs?: number };

export interface OutgoingBatch {
  seq: number;
  body: Uint8Array;
}

export interface Transport {
  send(batch: OutgoingBatch): Promise<SendResult>;
}

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** POSTs a signed batch to `${apiUrl}/v1/ingest`; one attempt, no retries. */
export class HttpTransport implements Transport {
  constructor(
    private readonly opts: {
      apiUrl: string;
      collectorId: string;
      secretKey: Uint8Array;
      fetch?: typeof fetch;
      timeoutMs?: number;
      now?: () => number;
    },
  ) {}

  async send(batch: OutgoingBatch): Promise<SendResult> {
    const doFetch = this.opts.fetch ?? fetch;
    const headers = await signBatch({
      collectorId: this.opts.collectorId,
      seq: batch.seq,
      body: batch.body,
      secretKey: this.opts.secretKey,
      timestampMs: (this.opts.now ?? Date.now)(),
    });
    let res: Response;
    try {
      res = await doFetch(apiEndpoint(this.opts.apiUrl, "/v1/ingest"), {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: batch.body as Uint8Array<ArrayBuffer>,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 60_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return { kind: "retryable", code: cause ?? (err as Error).name ?? "NETWORK_ERROR", message: (err as Error).message };
    }
    const text = await res.text().catch(() => "");
    if (res.ok) {
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // A 2xx is an acknowledgement whatever its body says.
      }
      return { kind: "success", status: res.status, body };
    }
    const { code, message } = parseError(res.status, text);
    if (RETRY_STATUSES.has(res.status)) {
      const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), Date.now());
      return { kind: "retryable", status: res.status, code, message, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    return { kind: "failure", status: res.status, code, message };
  }
}

export function parseError(status: number, text: string): { code: string; message: string } {
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) return { code: parsed.data.error.code, message: parsed.data.error.message };
  } catch {
    // not JSON
  }
  return { code: `HTTP_${status}`, message: text.slice(0, 500) || `HTTP ${status}` };
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/** `${base}${path}`, keeping any path prefix the base URL has (https://host/psg → https://host/psg/v1/ingest). */
export function apiEndpoint(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}
