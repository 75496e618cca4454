/**
 * The one way the web app talks to the API worker: through the `API` service binding (no
 * network hop, no public URL), with the signed-in user's session token as the bearer. The
 * token lives only in the HttpOnly cookie and in this call; it never reaches the browser.
 */
import { error as kitError } from "@sveltejs/kit";

/** The API's error body, as a thrown value load functions and actions can branch on. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

interface Caller {
  platform?: Readonly<App.Platform> | undefined;
  locals: App.Locals;
  request?: Request;
}

type Query = Record<string, string | number | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

export async function callApi<T>(event: Caller, method: string, path: string, body?: unknown, token = event.locals.sessionToken): Promise<T> {
  const binding = event.platform?.env.API;
  if (!binding) throw new ApiFailure(503, "UNAVAILABLE", "the API service binding is missing; run the web app with `npm start`");
  const headers = new Headers();
  if (token) headers.set("authorization", `Bearer ${token}`);
  if (body !== undefined) headers.set("content-type", "application/json");
  // Lets the API rate-limit sign-ins per client, not per web worker.
  const client = event.request?.headers.get("cf-connecting-ip");
  if (client) headers.set("cf-connecting-ip", client);
  const res = await binding.fetch(new Request(`https://api.internal${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; requestId?: string } } | null)?.error;
    throw new ApiFailure(res.status, e?.code ?? "INTERNAL", e?.message ?? `the API answered ${res.status}`, e?.requestId);
  }
  return json as T;
}

/** A small client bound to one request. */
export function api(event: Caller) {
  return {
    get: <T>(path: string, query?: Query) => callApi<T>(event, "GET", withQuery(path, query)),
    post: <T>(path: string, body: unknown = {}) => callApi<T>(event, "POST", path, body),
    patch: <T>(path: string, body: unknown) => callApi<T>(event, "PATCH", path, body),
    del: <T = void>(path: string) => callApi<T>(event, "DELETE", path),
  };
}

/** In a load function: turn an API failure into SvelteKit's error page with the API's message. */
export function raise(e: unknown): never {
  if (e instanceof ApiFailure) {
    kitError(e.status === 401 ? 401 : e.status, { message: e.message, code: e.code });
  }
  throw e;
}

export const encodeUid = (uid: string) => encodeURIComponent(uid);

/**
 * Bytes from the API (zips, signed artifacts, SVGs, exports) passed through as a download:
 * the API's content type and disposition are kept; an API error becomes an ApiFailure.
 * `token` is the session (default) or, for the auditor pages, the share link's token.
 */
export async function apiDownload(event: Caller, method: "GET" | "POST", path: string, opts: { body?: unknown; token?: string | null; userAgent?: boolean } = {}): Promise<Response> {
  const binding = event.platform?.env.API;
  if (!binding) throw new ApiFailure(503, "UNAVAILABLE", "the API service binding is missing; run the web app with `npm start`");
  const headers = new Headers();
  const token = opts.token === undefined ? event.locals.sessionToken : opts.token;
  if (token) headers.set("authorization", `Bearer ${token}`);
  if (opts.body !== undefined) headers.set("content-type", "application/json");
  for (const h of ["cf-connecting-ip", "cf-ipcountry", ...(opts.userAgent ? ["user-agent"] : [])]) {
    const v = event.request?.headers.get(h);
    if (v) headers.set(h, v);
  }
  const res = await binding.fetch(new Request(`https://api.internal${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) }));
  if (!res.ok) {
    const e = ((await res.json().catch(() => null)) as { error?: { code?: string; message?: string; requestId?: string } } | null)?.error;
    throw new ApiFailure(res.status, e?.code ?? "INTERNAL", e?.message ?? `the API answered ${res.status}`, e?.requestId);
  }
  const out = new Headers({ "cache-control": "private, no-store" });
  for (const h of ["content-type", "content-disposition", "content-security-policy", "x-content-sha256"]) {
    const v = res.headers.get(h);
    if (v) out.set(h, v);
  }
  return new Response(res.body, { status: 200, headers: out });
}

/**
 * The auditor's client for /share/[token] pages: every call carries the share link's token
 * (never a session, even if the browser also holds one) and the auditor's address and user
 * agent, so the tenant's access log shows who read what. Only GETs under /v1/share exist.
 */
export function shareApi(event: Caller, token: string) {
  const get = async <T>(path: string, query?: Query): Promise<T> => {
    const res = await apiDownload(event, "GET", withQuery(`/v1/share${path}`, query), { token, userAgent: true });
    return (await res.json()) as T;
  };
  return { get, download: (path: string) => apiDownload(event, "GET", `/v1/share${path}`, { token, userAgent: true }) };
}

/** In an auditor page's load: API failures as the share error page (410 expired/revoked, 404 unknown, 403 not granted). */
export function raiseShare(e: unknown): never {
  if (e instanceof ApiFailure) {
    // A share token is never a session: a 401 means the address is not a share link at all.
    if (e.status === 401) kitError(404, { message: "This is not a share link. Check the address you were given.", code: "NOT_FOUND" });
    kitError(e.status, { message: e.message, code: e.code });
  }
  throw e;
}
