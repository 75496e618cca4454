import { fail } from "@sveltejs/kit";
import { api, ApiFailure, raise } from "$lib/server/api";
import type { ApiKeyView } from "$lib/types";
import type { Actions, PageServerLoad } from "./$types";

/** Only owners and admins manage keys; others get the page with the reason instead of a list. */
export const load: PageServerLoad = async (event) => {
  if (!event.locals.me?.can.write) return { keys: null };
  try {
    return { keys: (await api(event).get<{ items: ApiKeyView[] }>("/v1/api-keys")).items };
  } catch (e) {
    raise(e);
  }
};

function failed(e: unknown, forbidden: string) {
  if (e instanceof ApiFailure && e.status < 500) return fail(e.status, { message: e.status === 403 ? forbidden : e.message });
  throw e;
}

export const actions: Actions = {
  create: async (event) => {
    const form = await event.request.formData();
    const name = String(form.get("name") ?? "").trim();
    const role = String(form.get("role") ?? "read");
    if (!name) return fail(400, { message: "Name the key after what will use it (e.g. “SIEM export”)." });
    try {
      const created = await api(event).post<{ apiKey: string; prefix: string; role: string }>("/v1/api-keys", { name, role });
      return { created };
    } catch (e) {
      return failed(e, "Only owners and admins can create API keys.");
    }
  },
  revoke: async (event) => {
    const form = await event.request.formData();
    const id = String(form.get("id") ?? "");
    if (!/^[0-9a-f]{16}$/.test(id)) return fail(400, { message: "That is not one of the keys listed here; reload the page and try again." });
    try {
      const revoked = await api(event).post<ApiKeyView>(`/v1/api-keys/${id}/revoke`);
      return { revoked: `${revoked.name} (${revoked.prefix}…) is revoked: requests with it are refused from now on.` };
    } catch (e) {
      return failed(e, "Only owners and admins can revoke API keys.");
    }
  },
};
