import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for Cloud Logging's `POST /v2/entries:list` (JSON, as the REST API speaks
 * it): the filter subset the collector sends (`logName="…" AND timestamp>="…"`), `orderBy`
 * "timestamp asc", `pageSize` and `pageToken`/`nextPageToken`. Errors are Google's JSON: 403
 * PERMISSION_DENIED naming `logging.logEntries.list`, 400 INVALID_ARGUMENT for a filter it
 * does not understand.
 */
export interface LogEntryJson {
  insertId: string;
  logName: string;
  timestamp: string;
  [key: string]: unknown;
}

export interface LoggingServerOptions {
  entries: LogEntryJson[];
  pageSize?: number;
  deny?: (project: string) => boolean;
  /** Answer the n-th request (from 1) with 429 RESOURCE_EXHAUSTED, as Logging's read quota does. */
  throttle?: (n: number) => boolean;
}

export interface LoggingServer {
  url: string;
  requests: Array<{ path: string; permission: string; status: number; filter?: string; pageToken?: string }>;
  /** Adds entries (late arrivals, a new minute). */
  add(...entries: LogEntryJson[]): void;
  close(): Promise<void>;
}

export async function startLoggingServer(opts: LoggingServerOptions): Promise<LoggingServer> {
  const entries = [...opts.entries];
  let calls = 0;
  const state: LoggingServer = { url: "", requests: [], add: (...e) => void entries.push(...e), close: async () => {} };
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    let raw = "";
    for await (const chunk of req) raw += String(chunk);
    const send = (status: number, body: unknown, extra: { filter?: string; pageToken?: string } = {}) => {
      state.requests.push({ path, permission: "logging.logEntries.list", status, ...extra });
      res.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
      res.end(JSON.stringify(body));
    };
    const error = (code: number, status: string, message: string) => send(code, { error: { code, message, status } });
    if (req.method !== "POST" || path !== "/v2/entries:list") return error(404, "NOT_FOUND", `The requested URL ${path} was not found.`);
    let body: { resourceNames?: string[]; filter?: string; orderBy?: string; pageSize?: number; pageToken?: string };
    try {
      body = JSON.parse(raw);
    } catch {
      return error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
    }
    const project = /^projects\/([^/]+)$/.exec(body.resourceNames?.[0] ?? "")?.[1];
    if (!project) return error(400, "INVALID_ARGUMENT", "resourceNames: at least one project is required");
    if (opts.throttle?.(++calls)) return error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' of service 'logging.googleapis.com'.");
    if (opts.deny?.(project)) return error(403, "PERMISSION_DENIED", `Permission 'logging.logEntries.list' denied on resource (or it may not exist).`);
    const m = /^logName="([^"]+)" AND timestamp>="([^"]+)"$/.exec(body.filter ?? "");
    if (!m || Number.isNaN(Date.parse(m[2]!))) return error(400, "INVALID_ARGUMENT", `Unparseable filter: ${body.filter}`);
    if (body.orderBy && body.orderBy !== "timestamp asc") return error(400, "INVALID_ARGUMENT", `orderBy ${body.orderBy} not supported here`);
    const from = Date.parse(m[2]!);
    const all = entries
      .filter((e) => e.logName === m[1] && e.logName.startsWith(`projects/${project}/`) && Date.parse(e.timestamp) >= from)
      .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp) || a.insertId.localeCompare(b.insertId));
    const start = Number(body.pageToken || "0");
    const size = Math.max(1, Math.min(body.pageSize ?? 50, opts.pageSize ?? 1000));
    const page = all.slice(start, start + size);
    send(200, { entries: page, ...(start + size < all.length ? { nextPageToken: String(start + size) } : {}) }, { filter: body.filter, ...(body.pageToken ? { pageToken: body.pageToken } : {}) });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return state;
}
