import { fail, redirect } from "@sveltejs/kit";
import { ApiFailure, callApi } from "$lib/server/api";
import { safeNext, setSessionCookie } from "$lib/server/session-cookie";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = ({ locals, url }) => {
  if (locals.me) redirect(303, safeNext(url.searchParams.get("next")));
  return {};
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const email = String(form.get("email") ?? "").trim();
    const password = String(form.get("password") ?? "");
    if (!email || !password) return fail(400, { email, message: "Enter your e-mail address and password." });
    try {
      const session = await callApi<{ token: string; expiresAt: string }>(event, "POST", "/v1/auth/login", { email, password }, null);
      setSessionCookie(event.cookies, session.token, session.expiresAt);
    } catch (e) {
      if (e instanceof ApiFailure && (e.status === 401 || e.status === 429 || e.status === 400)) {
        return fail(e.status, { email, message: e.status === 401 ? "Wrong e-mail address or password." : e.message });
      }
      throw e;
    }
    redirect(303, safeNext(event.url.searchParams.get("next")));
  },
};
