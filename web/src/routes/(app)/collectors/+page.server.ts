import { fail } from "@sveltejs/kit";
import { api, ApiFailure, raise } from "$lib/server/api";
import type { CollectorListItem } from "$lib/types";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  try {
    const { items } = await api(event).get<{ items: CollectorListItem[] }>("/v1/collectors");
    return { collectors: items, now: Date.now(), welcome: event.url.searchParams.has("welcome") };
  } catch (e) {
    raise(e);
  }
};

function failed(e: unknown, what: string) {
  if (e instanceof ApiFailure && e.status < 500) return fail(e.status, { message: e.status === 403 ? `Only owners and admins can ${what}.` : e.message });
  throw e;
}

export const actions: Actions = {
  createToken: async (event) => {
    const form = await event.request.formData();
    const name = String(form.get("name") ?? "").trim();
    try {
      const created = await api(event).post<{ id: string; token: string; expiresAt: string }>("/v1/enrollment-tokens", name ? { name } : {});
      return { enrollment: { ...created, apiUrl: event.platform?.env.API_PUBLIC_URL ?? event.url.origin } };
    } catch (e) {
      return failed(e, "create enrollment tokens");
    }
  },
  revoke: async (event) => {
    const id = String((await event.request.formData()).get("id") ?? "");
    try {
      await api(event).post(`/v1/collectors/${encodeURIComponent(id)}/revoke`);
      return { revoked: id };
    } catch (e) {
      return failed(e, "revoke collectors");
    }
  },
};
