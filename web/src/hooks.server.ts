import type { Handle } from "@sveltejs/kit";
import { ApiFailure, callApi } from "$lib/server/api";
import { clearSessionCookie, SESSION_COOKIE } from "$lib/server/session-cookie";
import type { Me } from "$lib/types";
import { liveProxy } from "$lib/server/live-proxy";

/** Fills `event.locals` once per request: who is signed in, from the HttpOnly session cookie. */
export const handle: Handle = async ({ event, resolve }) => {
  event.locals.me = null;
  event.locals.sessionToken = null;
  const token = event.cookies.get(SESSION_COOKIE);
  if (token) {
    try {
      event.locals.me = await callApi<Me>(event, "GET", "/v1/sessions/current", undefined, token);
      event.locals.sessionToken = token;
    } catch (e) {
      if (!(e instanceof ApiFailure) || e.status !== 401) throw e;
      clearSessionCookie(event.cookies);
    }
  }
  // The live feed is a WebSocket upgrade handed straight to the API: SvelteKit must not touch it.
  if (event.url.pathname === "/live") return liveProxy(event);
  const response = await resolve(event);
  response.headers.set("x-content-type-options", "nosniff");
  response.headers.set("referrer-policy", "same-origin");
  return response;
};
