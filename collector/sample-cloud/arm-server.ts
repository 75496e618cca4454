import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { selfSignedCert } from "./tls.js";

/**
 * A local stand-in for Azure Resource Manager and the Entra ID token endpoint, over HTTPS
 * (the SDKs refuse plain HTTP) with a certificate made at start. The model is a list of ARM
 * resources in their wire JSON (`id`, `name`, `location`, `properties`...); collection URLs
 * are answered from the IDs, so any list the SDK makes works without a per-type table:
 *
 * - `GET /subscriptions/{s}/providers/{NS}/{type}` — every `{type}` in the subscription;
 * - `GET /subscriptions/{s}/resourceGroups/{rg}/providers/{NS}/{type}[/{name}/{child}]` — by group / children;
 * - `GET {resource id}` — the resource itself.
 *
 * Lists page with an absolute `nextLink`. Errors are ARM's: 401 without a bearer token,
 * 403 `AuthorizationFailed` naming the action, 429 `TooManyRequests` with Retry-After.
 */
export interface ArmResource {
  id: string;
  [key: string]: unknown;
}

export interface ArmServerOptions {
  resources: ArmResource[];
  pageSize?: number;
  /** Return true to deny the list (the action is e.g. `Microsoft.Network/virtualNetworks/read`). */
  deny?: (subscription: string, action: string) => boolean;
  /** Return true to answer 429 (n counts requests to this path from 1). */
  throttle?: (action: string, n: number) => boolean;
  retryAfterSeconds?: number;
  /** Delay added to every ARM answer (benchmarks). */
  latencyMs?: number;
}

export interface ArmServer {
  url: string;
  /** The PEM to trust (tlsOptions.ca). */
  ca: string;
  requests: Array<{ method: string; path: string; action?: string; status: number }>;
  tokensIssued: number;
  close(): Promise<void>;
}

/** The role action a read of this ARM path needs: provider namespace, then the types (names dropped). */
export function armReadAction(path: string): string | undefined {
  const i = path.toLowerCase().lastIndexOf("/providers/");
  if (i < 0) return undefined;
  const segs = path.slice(i + "/providers/".length).split("/").filter(Boolean);
  if (segs.length < 2) return undefined;
  const types = [segs[0]!, ...segs.slice(1).filter((_, k) => k % 2 === 0)];
  return `${types.join("/")}/read`;
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "x-ms-request-id": randomUUID(), ...headers });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startArmServer(opts: ArmServerOptions): Promise<ArmServer> {
  const tls = selfSignedCert();
  const lower = opts.resources.map((r) => ({ r, id: r.id.toLowerCase() }));
  const counts = new Map<string, number>();
  const state: ArmServer = { url: "", ca: tls.cert, requests: [], tokensIssued: 0, close: async () => {} };

  const server = createServer({ key: tls.key, cert: tls.cert }, async (req, res) => {
    const url = new URL(req.url ?? "/", state.url);
    const path = url.pathname.replace(/\/+$/, "");
    const record = (status: number, action?: string) => state.requests.push({ method: req.method ?? "GET", path, status, ...(action ? { action } : {}) });

    // Entra ID: OpenID discovery and the client-credentials token endpoint.
    const oidc = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
    if (oidc) {
      const base = `${state.url}/${oidc[1]}`;
      record(200);
      return json(res, 200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        issuer: `${base}/v2.0`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
        token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      });
    }
    if (/^\/[^/]+\/oauth2\/v2\.0\/token$/.test(path) && req.method === "POST") {
      const form = new URLSearchParams(await readBody(req));
      record(form.get("grant_type") === "client_credentials" ? 200 : 400);
      if (form.get("grant_type") !== "client_credentials") return json(res, 400, { error: "unsupported_grant_type" });
      state.tokensIssued++;
      return json(res, 200, { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: `test-token-${randomUUID()}` });
    }

    if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
    const m = /^\/subscriptions\/([^/]+)(\/.*)?$/i.exec(path);
    const action = armReadAction(path);
    if (!m || !action || req.method !== "GET") {
      record(404);
      return json(res, 404, { error: { code: "InvalidResourceType", message: `no such collection: ${path}` } });
    }
    if (!/^Bearer \S+/.test(req.headers.authorization ?? "")) {
      record(401, action);
      return json(res, 401, { error: { code: "AuthenticationFailed", message: "Authentication failed. The 'Authorization' header is missing." } });
    }
    const subscription = m[1]!;
    if (opts.deny?.(subscription, action)) {
      record(403, action);
      return json(res, 403, {
        error: {
          code: "AuthorizationFailed",
          message: `The client '00000000-0000-0000-0000-000000000001' with object id '00000000-0000-0000-0000-000000000001' does not have authorization to perform action '${action}' over scope '/subscriptions/${subscription}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
        },
      });
    }
    const n = (counts.get(path) ?? 0) + 1;
    counts.set(path, n);
    if (opts.throttle?.(action, n)) {
      record(429, action);
      return json(
        res,
        429,
        { error: { code: "TooManyRequests", message: "The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00." } },
        { "retry-after": String(opts.retryAfterSeconds ?? 0) },
      );
    }

    // A single resource (e.g. a firewall policy named by a firewall): the resource itself.
    const one = lower.find((x) => x.id === path.toLowerCase());
    if (one) {
      record(200, action);
      return json(res, 200, one.r);
    }
    const items = matching(lower, path.toLowerCase()).map((x) => x.r);
    const skip = Number(url.searchParams.get("$skiptoken") ?? "0");
    const size = opts.pageSize ?? (items.length || 1);
    const page = items.slice(skip, skip + size);
    const body: { value: unknown[]; nextLink?: string } = { value: page };
    if (skip + size < items.length) {
      const next = new URL(url);
      next.searchParams.set("$skiptoken", String(skip + size));
      body.nextLink = next.toString();
    }
    record(200, action);
    return json(res, 200, body);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve())));
  return state;
}

/** Resources a collection path lists: subscription-wide by type, by resource group, or children of a resource. */
function matching(all: Array<{ r: ArmResource; id: string }>, path: string) {
  const sub = /^(\/subscriptions\/[^/]+)\/providers\/([^/]+\/[^/]+)$/.exec(path);
  if (sub) {
    const re = new RegExp(`^${escape(sub[1]!)}/resourcegroups/[^/]+/providers/${escape(sub[2]!)}/[^/]+$`);
    return all.filter((x) => re.test(x.id));
  }
  const re = new RegExp(`^${escape(path)}/[^/]+$`);
  return all.filter((x) => re.test(x.id));
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
