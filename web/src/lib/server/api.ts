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
