import { fail } from "@sveltejs/kit";
import { api, ApiFailure, raise } from "$lib/server/api";
import type { InviteView, UserView } from "$lib/types";
import { ROLES } from "$lib/types";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const client = api(event);
  try {
    const users = await client.get<{ items: UserView[] }>("/v1/users");
    const invites = event.locals.me?.can.manageUsers ? (await client.get<{ items: InviteView[] }>("/v1/invites")).items : [];
    return { users: users.items, invites };
  } catch (e) {
    raise(e);
  }
};

function failed(e: unknown) {
  if (e instanceof ApiFailure && e.status < 500) return fail(e.status, { message: e.message });
  throw e;
}

export const actions: Actions = {
  invite: async (event) => {
    const form = await event.request.formData();
    const role = String(form.get("role") ?? "");
    const email = String(form.get("email") ?? "").trim();
    if (!(ROLES as string[]).includes(role)) return fail(400, { message: "Choose a role." });
    try {
      const created = await api(event).post<InviteView & { token: string }>("/v1/invites", { role, ...(email ? { email } : {}) });
      return { inviteLink: `${event.url.origin}/invite/${created.token}`, inviteRole: role };
    } catch (e) {
      return failed(e);
    }
  },
  role: async (event) => {
    const form = await event.request.formData();
    try {
      await api(event).patch(`/v1/users/${encodeURIComponent(String(form.get("id")))}`, { role: String(form.get("role")) });
      return { done: "Role changed." };
    } catch (e) {
      return failed(e);
    }
  },
  remove: async (event) => {
    const form = await event.request.formData();
    try {
      await api(event).del(`/v1/users/${encodeURIComponent(String(form.get("id")))}`);
      return { done: "Removed, and signed out everywhere." };
    } catch (e) {
      return failed(e);
    }
  },
  revokeInvite: async (event) => {
    const form = await event.request.formData();
    try {
      await api(event).post(`/v1/invites/${encodeURIComponent(String(form.get("id")))}/revoke`);
      return { done: "Invite withdrawn." };
    } catch (e) {
      return failed(e);
    }
  },
};
