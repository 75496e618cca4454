import { fail, redirect } from "@sveltejs/kit";
import { ApiFailure, callApi } from "$lib/server/api";
import { setSessionCookie } from "$lib/server/session-cookie";
import type { Actions, PageServerLoad } from "./$types";

interface Preview {
  tenantName: string;
  role: string;
  email: string | null;
  expiresAt: string;
}

export const load: PageServerLoad = async (event) => {
  try {
    return { invite: await callApi<Preview>(event, "POST", "/v1/invites/preview", { token: event.params.token }, null), problem: null };
  } catch (e) {
    if (e instanceof ApiFailure && e.status < 500) return { invite: null, problem: e.message };
    throw e;
  }
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const input = {
      token: event.params.token,
      name: String(form.get("name") ?? "").trim(),
      email: String(form.get("email") ?? "").trim(),
      password: String(form.get("password") ?? ""),
    };
    if (input.password.length < 12) return fail(400, { name: input.name, email: input.email, message: "Use a password of at least 12 characters." });
    try {
      const s = await callApi<{ token: string; expiresAt: string }>(event, "POST", "/v1/invites/accept", input, null);
      setSessionCookie(event.cookies, s.token, s.expiresAt);
    } catch (e) {
      if (e instanceof ApiFailure && e.status < 500) return fail(e.status, { name: input.name, email: input.email, message: e.message });
      throw e;
    }
    redirect(303, "/");
  },
};
