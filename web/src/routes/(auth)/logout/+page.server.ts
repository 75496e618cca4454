import { redirect } from "@sveltejs/kit";
import { ApiFailure, callApi } from "$lib/server/api";
import { clearSessionCookie } from "$lib/server/session-cookie";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = () => redirect(303, "/");

export const actions: Actions = {
  /** Deletes the session in the API (so the token is dead everywhere), then the cookie. */
  default: async (event) => {
    if (event.locals.sessionToken) {
      try {
        await callApi(event, "DELETE", "/v1/sessions/current");
      } catch (e) {
        if (!(e instanceof ApiFailure) || e.status !== 401) throw e;
      }
    }
    clearSessionCookie(event.cookies);
    redirect(303, "/login");
  },
};
