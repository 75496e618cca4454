import type { Coverage, Provider } from "../../../contract/index.js";
import type { ParseStats } from "./aws-vpc.js";

/**
 * What reading one remote flow-log source (a bucket prefix, a log group, a storage account,
 * a project's Cloud Logging) did. Its coverage says whether it was read whole: a denied or
 * failed call is `skipped` (nothing read) or `partial` (some objects read), with the
 * reason, never an empty result that would read as "no traffic".
 */
export interface SourceRead<C> {
  source: string;
  stats: ParseStats;
  /** Objects, streams, blobs or log pages whose records were summarized this time. */
  units: number;
  coverage: Coverage;
  /** What to save once the edges are spooled (the previous checkpoint where nothing could be read). */
  checkpoint: C;
}

/** The kinds of remote flow-log source, as their checkpoints are keyed in flowlog-sources.json. */
export type RemoteSourceKind = "s3" | "cloudwatch" | "azure" | "gcp";

/** One remote source's read in a cycle, as the run record keeps it for `collector status`. */
export interface FlowSourceRun {
  kind: RemoteSourceKind;
  /** Its key in flowlog-sources.json (under `kind`). */
  key: string;
  source: string;
  /** Objects (S3), streams (CloudWatch), blobs (Azure) or pages (Cloud Logging) read this cycle. */
  units: number;
  records: number;
  /** The role it was read through (a location in another account). */
  roleArn?: string;
  coverage: Coverage;
}

export function addStats(total: ParseStats, s: ParseStats): void {
  total.records += s.records;
  total.skipped += s.skipped;
  total.malformed += s.malformed;
  total.headers += s.headers;
}

/** Coverage of one flow-log source; `kinds` is "other" (no resource kind is at stake) and it is kept by the collector, not sent with a scan. */
export function sourceCoverage(provider: Provider, account: string, region: string, service: string, failures: string[], units: number, attempted: number): Coverage {
  const status = failures.length === 0 ? "ok" : units > 0 || attempted > failures.length ? "partial" : "skipped";
  return {
    provider,
    account: account.slice(0, 128),
    region: region.slice(0, 64),
    service: service.slice(0, 128),
    kinds: ["other"],
    status,
    count: units,
    ...(failures.length > 0 ? { reason: [...new Set(failures)].join("; ").slice(0, 2048) } : {}),
  };
}

/** An SDK or HTTP error as one line: code, HTTP status and message. */
export function errorLine(err: unknown): string {
  const e = err as { name?: string; Code?: string; code?: string | number; statusCode?: number; status?: number; message?: string; $metadata?: { httpStatusCode?: number }; response?: { status?: number } };
  const status = e.$metadata?.httpStatusCode ?? e.statusCode ?? e.response?.status ?? (typeof e.status === "number" ? e.status : undefined);
  const code = e.Code ?? (typeof e.code === "string" ? e.code : undefined) ?? e.name ?? "Error";
  return `${code}${status ? ` (HTTP ${status})` : ""}: ${(e.message ?? String(err)).split("\n")[0]}`.slice(0, 512);
}

/**
 * Exactly-once reading of an append-only log queried by time (CloudWatch Logs, Cloud Logging):
 * records can arrive late, so each read starts `lookbackMs` before the newest record seen and
 * skips the ids already summarized; ids older than the window are forgotten.
 */
export interface WindowCheckpoint {
  /** Newest record time seen (ms). */
  maxTs: number;
  /** Ids summarized with a time in [maxTs - lookback, maxTs], and their time. */
  ids: Record<string, number>;
}

export class WindowDedupe {
  private readonly ids: Map<string, number>;
  private max: number;
  constructor(
    previous: WindowCheckpoint | undefined,
    private readonly lookbackMs: number,
    /** The lower bound for a log never read before (ms). */
    since: number,
  ) {
    this.ids = new Map(Object.entries(previous?.ids ?? {}));
    this.max = previous?.maxTs ?? since;
    this.from = previous ? Math.max(0, previous.maxTs - lookbackMs) : since;
  }

  /** Where this read's query starts (ms): records before it were summarized or are out of the window. */
  readonly from: number;

  /** True the first time a record is seen (and it is inside the window); marks it seen. */
  admit(id: string, ts: number): boolean {
    if (ts < this.from || this.ids.has(id)) return false;
    this.ids.set(id, ts);
    if (ts > this.max) this.max = ts;
    return true;
  }

  checkpoint(): WindowCheckpoint {
    const keepFrom = this.max - this.lookbackMs;
    const ids: Record<string, number> = {};
    for (const [id, ts] of this.ids) if (ts >= keepFrom) ids[id] = ts;
    return { maxTs: this.max, ids };
  }
}
