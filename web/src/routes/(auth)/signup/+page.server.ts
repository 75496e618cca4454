import { fail, redirect } from "@sveltejs/kit";
import { ApiFailure, callApi } from "$lib/server/api";
import { setSessionCookie } from "$lib/server/session-cookie";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = ({ locals }) => {
  if (locals.me) redirect(303, "/");
  return {};
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const input = {
      tenantName: String(form.get("tenantName") ?? "").trim(),
      name: String(form.get("name") ?? "").trim(),
      email: String(form.get("email") ?? "").trim(),
      password: String(form.get("password") ?? ""),
    };
    const keep = { tenantName: input.tenantName, name: input.name, email: input.email };
    if (!input.tenantName || !input.name || !input.email) return fail(400, { ...keep, message: "Fill in your organisation, your name and your e-mail address." });
    if (input.password.length < 12) return fail(400, { ...keep, message: "Use a password of at least 12 characters." });
    try {
      const created = await callApi<{ token: string; expiresAt: string }>(event, "POST", "/v1/auth/signup", input, null);
      setSessionCookie(event.cookies, created.token, created.expiresAt);
    } catch (e) {
      if (e instanceof ApiFailure && e.status < 500) return fail(e.status, { ...keep, message: e.code === "EMAIL_TAKEN" ? "An account with this e-mail address exists. Sign in instead." : e.message });
      throw e;
    }
    redirect(303, "/collectors?welcome=1");
  },
};
