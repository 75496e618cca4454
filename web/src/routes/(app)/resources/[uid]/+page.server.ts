import { fail, redirect } from "@sveltejs/kit";
import { api, ApiFailure, encodeUid, raise } from "$lib/server/api";
import type { ResourceDetail, ResourceHistory, UserView } from "$lib/types";
import { SCOPES } from "$lib/types";
import type { Actions, PageServerLoad } from "./$types";

/** One resource: its decision with every reason and its evidence, flows, rules, override. */
export const load: PageServerLoad = async (event) => {
  const client = api(event);
  try {
    const [detail, users, history] = await Promise.all([
      client.get<ResourceDetail>(`/v1/resources/${encodeUid(event.params.uid)}`, { topFlows: 50 }),
      // Names for `user:<id>` authors; without them (an API-key caller) ids are shown.
      client.get<{ items: UserView[] }>("/v1/users").catch(() => ({ items: [] as UserView[] })),
      client.get<ResourceHistory>(`/v1/resources/${encodeUid(event.params.uid)}/history`, { limit: 50 }).catch((e) => {
        if (e instanceof ApiFailure && e.status === 404) return { uid: event.params.uid, items: [] } as ResourceHistory;
        throw e;
      }),
    ]);
    // Overrides name their author as `user:<id>`; show people by name.
    const people = Object.fromEntries(users.items.map((u) => [u.id, `${u.name} <${u.email}>`]));
    return { detail, people, history: history.items };
  } catch (e) {
    raise(e);
  }
};

export const actions: Actions = {
  override: async (event) => {
    const form = await event.request.formData();
    const scope = String(form.get("scope") ?? "");
    const justification = String(form.get("justification") ?? "").trim();
    const expiresOn = String(form.get("expiresOn") ?? "");
    if (!(SCOPES as readonly string[]).includes(scope)) return fail(400, { scope, justification, message: "Choose a scope." });
    if (justification.length < 10) return fail(400, { scope, justification, message: "Write a justification of at least 10 characters: an assessor will read it." });
    const expiresAt = expiresOn ? new Date(`${expiresOn}T23:59:59Z`).toISOString() : undefined;
    try {
      await api(event).post("/v1/overrides", { uid: event.params.uid, scope, justification, ...(expiresAt ? { expiresAt } : {}) });
    } catch (e) {
      if (e instanceof ApiFailure && e.status < 500) {
        const message = e.status === 403 ? "Only owners and admins can override a scope decision." : e.message;
        return fail(e.status, { scope, justification, message });
      }
      throw e;
    }
    redirect(303, `/resources/${encodeUid(event.params.uid)}?saved=override`);
  },
  removeOverride: async (event) => {
    try {
      await api(event).del(`/v1/overrides/${encodeUid(event.params.uid)}`);
    } catch (e) {
      if (e instanceof ApiFailure && e.status < 500) return fail(e.status, { message: e.status === 403 ? "Only owners and admins can remove an override." : e.message });
      throw e;
    }
    redirect(303, `/resources/${encodeUid(event.params.uid)}?saved=removed`);
  },
};
