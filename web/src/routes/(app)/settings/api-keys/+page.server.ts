import { fail } from "@sveltejs/kit";
import { api, ApiFailure } from "$lib/server/api";
import type { Actions } from "./$types";

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
      if (e instanceof ApiFailure && e.status < 500) return fail(e.status, { message: e.status === 403 ? "Only owners and admins can create API keys." : e.message });
      throw e;
    }
  },
};
