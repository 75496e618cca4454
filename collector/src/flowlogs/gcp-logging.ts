import type { AuthClient } from "google-auth-library";
import type { Logger } from "../log.js";
import type { FlowSink } from "./aws-vpc.js";
import { addGcpFlowEntry } from "./gcp.js";
import { errorLine, type SourceRead, sourceCoverage, type WindowCheckpoint, WindowDedupe } from "./sources.js";
import { emptyStats } from "./tuples.js";

/**
 * GCP VPC flow logs read from Cloud Logging (`POST /v2/entries:list`) per project: the
 * `compute.googleapis.com/vpc_flows` log, oldest first, from `lookbackMs` before the newest
 * entry seen (entries are written late, up to minutes after their time), paged with
 * pageToken; entries already summarized are skipped by insertId.
 */
export const GCP_FLOWLOG_PERMISSIONS = ["logging.logEntries.list"] as const;
export const DEFAULT_LOGGING_ENDPOINT = "https://logging.googleapis.com";
const PAGE_SIZE = 1000;

export interface GcpLoggingCheckpoint {
  since: number;
  window?: WindowCheckpoint;
}

export interface GcpLoggingReadOptions {
  project: string;
  /** Cloud Logging API endpoint (default https://logging.googleapis.com; tests: a local server). */
  endpoint?: string;
  authClient: Pick<AuthClient, "request">;
  sink: FlowSink;
  previous?: GcpLoggingCheckpoint;
  since: number;
  lookbackMs: number;
  pageSize?: number;
  /** Tries per page when Logging answers 429 (its read quota is 60 calls a minute per project), with backoff. */
  maxAttempts?: number;
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  log?: Logger;
}

interface ListResponse {
  entries?: Array<{ insertId?: string; timestamp?: string; logName?: string; jsonPayload?: unknown }>;
  nextPageToken?: string;
}

export function vpcFlowsFilter(project: string, fromMs: number): string {
  return `logName="projects/${project}/logs/compute.googleapis.com%2Fvpc_flows" AND timestamp>="${new Date(fromMs).toISOString()}"`;
}

export async function readGcpFlowLogEntries(opts: GcpLoggingReadOptions): Promise<SourceRead<GcpLoggingCheckpoint>> {
  const since = opts.previous?.since ?? opts.since;
  const window = new WindowDedupe(opts.previous?.window, opts.lookbackMs, since);
  const url = `${(opts.endpoint ?? DEFAULT_LOGGING_ENDPOINT).replace(/\/+$/, "")}/v2/entries:list`;
  const stats = emptyStats();
  const failures: string[] = [];
  let pages = 0;
  let pageToken: string | undefined;
  try {
    do {
      const body = { resourceNames: [`projects/${opts.project}`], filter: vpcFlowsFilter(opts.project, window.from), orderBy: "timestamp asc", pageSize: opts.pageSize ?? PAGE_SIZE, ...(pageToken ? { pageToken } : {}) };
      const res = await withBackoff(() => opts.authClient.request<ListResponse>({ url, method: "POST", data: body, headers: { "content-type": "application/json" } }), opts);
      for (const entry of res.data.entries ?? []) {
        const ts = entry.timestamp ? Date.parse(entry.timestamp) : NaN;
        if (!Number.isFinite(ts)) {
          stats.malformed++;
          continue;
        }
        if (!window.admit(entry.insertId ?? `${entry.timestamp}:${JSON.stringify(entry.jsonPayload)}`, ts)) continue;
        addGcpFlowEntry(entry, opts.sink, stats);
      }
      pages++;
      pageToken = res.data.nextPageToken || undefined;
      opts.log?.progress("flowlogs", { source: `gcp-logging:${opts.project}`, pages, records: stats.records });
    } while (pageToken);
  } catch (err) {
    // Pages read so far are summarized and marked; entries come oldest first, so the next cycle goes on from there.
    failures.push(`logging.logEntries.list projects/${opts.project}: ${googleErrorLine(err)}`);
    opts.log?.warn("flow-log entries not readable", { project: opts.project, error: err as Error });
  }
  return {
    source: `gcp-logging:${opts.project}`,
    stats,
    units: pages,
    coverage: sourceCoverage("gcp", opts.project, "global", GCP_FLOWLOG_PERMISSIONS[0], failures, pages, pages + failures.length),
    checkpoint: { since, window: window.checkpoint() },
  };
}

/** Retries a 429 (RESOURCE_EXHAUSTED) with exponential backoff and jitter; any other error at once. */
async function withBackoff<T>(call: () => Promise<T>, opts: Pick<GcpLoggingReadOptions, "maxAttempts" | "baseDelayMs" | "sleep" | "log" | "project">): Promise<T> {
  const attempts = opts.maxAttempts ?? 4;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const status = (err as { response?: { status?: number } }).response?.status;
      if (status !== 429 || attempt >= attempts) throw err;
      const delay = (opts.baseDelayMs ?? 2000) * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
      opts.log?.warn("flow-log entries throttled, retrying", { project: opts.project, attempt, delayMs: Math.round(delay) });
      await sleep(delay);
    }
  }
}

/** Google's JSON error (`{error: {code, status, message}}`) as one line, else the generic form. */
function googleErrorLine(err: unknown): string {
  const e = (err as { response?: { status?: number; data?: { error?: { status?: string; message?: string } } } }).response;
  const g = e?.data?.error;
  return g?.message ? `${g.status ?? "Error"} (HTTP ${e?.status}): ${g.message}`.slice(0, 512) : errorLine(err);
}
