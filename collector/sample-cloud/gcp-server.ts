import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local stand-in for the Compute Engine REST API (v1 JSON) over HTTP. The model is a list
 * of resources in their wire JSON; each is listed from its `selfLink`:
 * `projects/{p}/global/{collection}/{name}` by `GET .../global/{collection}`, and
 * `projects/{p}/(regions|zones)/{scope}/{collection}/{name}` by `GET .../aggregated/{collection}`
 * (items keyed by scope, plus an empty scope carrying the `NO_RESULTS_ON_PAGE` warning, as the
 * real API sends). Lists page with `pageToken`/`nextPageToken`; errors are Google's JSON:
 * 403 naming the permission, 429 RESOURCE_EXHAUSTED.
 *
 * Cloud SQL Admin and GKE answer on the same server (point both endpoints at it): a model
 * resource whose selfLink is `https://sqladmin.googleapis.com/v1/projects/{p}/instances/{n}`
 * is listed by `GET /v1/projects/{p}/instances` (items, pageToken paging); one whose selfLink
 * is `https://container.googleapis.com/v1/projects/{p}/locations/{l}/clusters/{n}` by
 * `GET /v1/projects/{p}/locations/-/clusters` (all locations, no paging, `missingZones`).
 */
export interface GcpResourceJson {
  selfLink: string;
  [key: string]: unknown;
}

export interface GcpServerOptions {
  resources: GcpResourceJson[];
  pageSize?: number;
  deny?: (project: string, permission: string) => boolean;
  throttle?: (permission: string, n: number) => boolean;
  latencyMs?: number;
  /** GKE: locations reported in `missingZones` (the list is then incomplete). */
  missingZones?: string[];
}

export interface GcpServer {
  url: string;
  requests: Array<{ path: string; permission?: string; status: number }>;
  close(): Promise<void>;
}

/** The IAM permission a list call needs: `compute.<collection>.list` (global forwarding rules have their own). */
export function gcpListPermission(path: string): string | undefined {
  if (/^\/v1\/projects\/[^/]+\/instances$/.test(path)) return "cloudsql.instances.list";
  if (/^\/v1\/projects\/[^/]+\/locations\/[^/]+\/clusters$/.test(path)) return "container.clusters.list";
  const m = /\/projects\/[^/]+\/(global|aggregated)\/([A-Za-z]+)$/.exec(path);
  if (!m) return undefined;
  const collection = m[1] === "global" && m[2] === "forwardingRules" ? "globalForwardingRules" : m[2];
  return `compute.${collection}.list`;
}

const KIND: Record<string, string> = {
  networks: "network",
  subnetworks: "subnetwork",
  routes: "route",
  firewalls: "firewall",
  instances: "instance",
  forwardingRules: "forwardingRule",
};

export async function startGcpServer(opts: GcpServerOptions): Promise<GcpServer> {
  const counts = new Map<string, number>();
  const parsed = opts.resources.map((r) => {
    const sql = /^https:\/\/sqladmin\.googleapis\.com\/v1\/projects\/([^/]+)\/instances\/[^/]+$/.exec(r.selfLink);
    if (sql) return { r, project: sql[1]!, global: true, scope: "global", collection: "sqlInstances" };
    const gke = /^https:\/\/container\.googleapis\.com\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/clusters\/[^/]+$/.exec(r.selfLink);
    if (gke) return { r, project: gke[1]!, global: false, scope: gke[2]!, collection: "clusters" };
    const m = /\/projects\/([^/]+)\/(?:(global)|(regions|zones)\/([^/]+))\/([A-Za-z]+)\/[^/]+$/.exec(r.selfLink);
    if (!m) throw new Error(`not a compute selfLink: ${r.selfLink}`);
    return { r, project: m[1]!, global: !!m[2], scope: m[3] ? `${m[3]}/${m[4]}` : "global", collection: m[5]! };
  });
  const state: GcpServer = { url: "", requests: [], close: async () => {} };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", state.url);
    const path = url.pathname;
    const send = (status: number, body: unknown, permission?: string) => {
      state.requests.push({ path, status, ...(permission ? { permission } : {}) });
      res.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
      res.end(JSON.stringify(body));
    };
    /** Denied / throttled as the Compute lists are; true when an error was sent. */
    const refused = (project: string, permission: string): boolean => {
      if (opts.deny?.(project, permission)) {
        const message = `Required '${permission}' permission for 'projects/${project}'`;
        send(403, { error: { code: 403, message, errors: [{ message, domain: "global", reason: "forbidden" }], status: "PERMISSION_DENIED" } }, permission);
        return true;
      }
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      if (opts.throttle?.(permission, n)) {
        const message = "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user'";
        send(429, { error: { code: 429, message, errors: [{ message, domain: "global", reason: "rateLimitExceeded" }], status: "RESOURCE_EXHAUSTED" } }, permission);
        return true;
      }
      return false;
    };
    const answerManaged = async (project: string, collection: "sqlInstances" | "clusters", location: string | undefined) => {
      if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
      const permission = collection === "sqlInstances" ? "cloudsql.instances.list" : "container.clusters.list";
      if (refused(project, permission)) return;
      const all = parsed.filter((p) => p.project === project && p.collection === collection && (collection === "sqlInstances" || location === "-" || p.scope === location));
      if (collection === "clusters") return send(200, { clusters: all.map((p) => p.r), ...(opts.missingZones?.length ? { missingZones: opts.missingZones } : {}) }, permission);
      const start = Number(url.searchParams.get("pageToken") || "0");
      const size = Math.max(1, Math.min(Number(url.searchParams.get("maxResults") || "500"), opts.pageSize ?? 500));
      const body: Record<string, unknown> = { kind: "sql#instancesList", items: all.slice(start, start + size).map((p) => p.r) };
      if (start + size < all.length) body.nextPageToken = String(start + size);
      send(200, body, permission);
    };
    // The GCE metadata server (GCE_METADATA_HOST), so that Application Default Credentials work against this server.
    if (path.startsWith("/computeMetadata/v1")) {
      if (req.headers["metadata-flavor"] !== "Google") return send(403, { error: "Missing Metadata-Flavor: Google header" });
      res.setHeader("metadata-flavor", "Google");
      if (path.endsWith("/token")) return send(200, { access_token: "test-gce-token", expires_in: 3599, token_type: "Bearer" });
      if (path.endsWith("/project/project-id")) return (state.requests.push({ path, status: 200 }), res.writeHead(200, { "content-type": "text/plain" }), res.end("psg-host"));
      if (path.endsWith("/email")) return (state.requests.push({ path, status: 200 }), res.writeHead(200, { "content-type": "text/plain" }), res.end("collector@psg-host.iam.gserviceaccount.com"));
      return (state.requests.push({ path, status: 200 }), res.writeHead(200, { "content-type": "text/plain" }), res.end(""));
    }
    if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
    const managed = /^\/v1\/projects\/([^/]+)\/(?:(instances)|locations\/([^/]+)\/clusters)$/.exec(path);
    if (managed && req.method === "GET") return answerManaged(managed[1]!, managed[2] ? "sqlInstances" : "clusters", managed[3]);
    const m = /^\/compute\/v1\/projects\/([^/]+)\/(global|aggregated)\/([A-Za-z]+)$/.exec(path);
    const permission = gcpListPermission(path);
    if (!m || !permission || req.method !== "GET") return send(404, { error: { code: 404, message: `The requested URL ${path} was not found.`, status: "NOT_FOUND" } });
    const [, project, mode, collection] = m as unknown as [string, string, string, string];
    if (opts.deny?.(project, permission)) {
      const message = `Required '${permission}' permission for 'projects/${project}'`;
      return send(403, { error: { code: 403, message, errors: [{ message, domain: "global", reason: "forbidden" }] } }, permission);
    }
    const n = (counts.get(path) ?? 0) + 1;
    counts.set(path, n);
    if (opts.throttle?.(permission, n)) {
      const message = "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' of service 'compute.googleapis.com'";
      return send(429, { error: { code: 429, message, errors: [{ message, domain: "usageLimits", reason: "rateLimitExceeded" }], status: "RESOURCE_EXHAUSTED" } }, permission);
    }
    const all = parsed.filter((p) => p.project === project && p.collection === collection && (mode === "global" ? p.global : !p.global));
    const start = Number(url.searchParams.get("pageToken") || "0");
    const asked = Number(url.searchParams.get("maxResults") || "500");
    const size = Math.max(1, Math.min(asked, opts.pageSize ?? 500));
    const page = all.slice(start, start + size);
    const listKind = `compute#${mode === "aggregated" ? `${KIND[collection] ?? collection}AggregatedList` : `${KIND[collection] ?? collection}List`}`;
    const body: Record<string, unknown> = { kind: listKind, id: `projects/${project}/${mode}/${collection}`, selfLink: `https://www.googleapis.com${path}` };
    if (mode === "global") body.items = page.map((p) => p.r);
    else {
      const items: Record<string, unknown> = {};
      for (const p of page) ((items[p.scope] ??= { [collection]: [] }) as Record<string, unknown[]>)[collection]!.push(p.r);
      items["regions/antarctica-south1"] = {
        warning: { code: "NO_RESULTS_ON_PAGE", message: "There are no results for scope 'regions/antarctica-south1' on this page.", data: [{ key: "scope", value: "regions/antarctica-south1" }] },
      };
      body.items = items;
    }
    if (start + size < all.length) body.nextPageToken = String(start + size);
    send(200, body, permission);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return state;
}
