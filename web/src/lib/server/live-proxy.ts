/**
 * `/live`: the browser's WebSocket to the tenant's live events. The browser cannot reach the
 * API worker, and must never hold the session token, so this endpoint checks the session
 * cookie (hooks.server.ts already did) and forwards the upgrade over the service binding with
 * the token as bearer. workerd answers such a fetch with a 101 response carrying the
 * `webSocket`; returning it as is splices the two sockets together.
 */
import type { RequestEvent } from "@sveltejs/kit";

const FORWARDED = ["sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol", "sec-websocket-extensions"];

function plain(status: number, message: string): Response {
  return new Response(JSON.stringify({ error: { code: status === 401 ? "UNAUTHENTICATED" : "INVALID_REQUEST", message } }), { status, headers: { "content-type": "application/json" } });
}

export async function liveProxy(event: Pick<RequestEvent, "request" | "locals" | "platform" | "url">): Promise<Response> {
  if (event.request.method !== "GET") return plain(405, "GET /live with Upgrade: websocket");
  if (event.request.headers.get("upgrade")?.toLowerCase() !== "websocket") return plain(426, "/live is a WebSocket: connect with Upgrade: websocket");
  if (!event.locals.sessionToken) return plain(401, "Sign in first: the live feed follows your session.");
  // A page on another site must not open a socket with this user's cookie.
  const origin = event.request.headers.get("origin");
  if (origin !== null && origin !== event.url.origin) return plain(403, "cross-origin WebSocket refused");
  const binding = event.platform?.env.API;
  if (!binding) return plain(503, "the API service binding is missing");
  const headers = new Headers({ upgrade: "websocket", authorization: `Bearer ${event.locals.sessionToken}` });
  for (const h of FORWARDED) {
    const v = event.request.headers.get(h);
    if (v !== null) headers.set(h, v);
  }
  return binding.fetch(new Request("https://api.internal/v1/live", { headers }));
}
