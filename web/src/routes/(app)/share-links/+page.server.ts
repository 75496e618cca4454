import { fail } from "@sveltejs/kit";
import { api, ApiFailure, raise } from "$lib/server/api";
import type { ShareGrants, ShareLinkView } from "$lib/components/evidence/types";
import type { Actions, PageServerLoad } from "./$types";

const MAX_DAYS = 90;

/** Auditor share links: who can see what until when, and a way to end it. Admins only (the API says so). */
export const load: PageServerLoad = async (event) => {
  try {
    const { items } = await api(event).get<{ items: ShareLinkView[] }>("/v1/share-links");
    return { links: items, allowed: true };
  } catch (e) {
    if (e instanceof ApiFailure && e.status === 403) return { links: [] as ShareLinkView[], allowed: false };
    raise(e);
  }
};

export const actions: Actions = {
  create: async (event) => {
    const form = await event.request.formData();
    const scope = form.get("scope") === "on";
    const evidence = String(form.get("evidence") ?? "all");
    const days = Number(form.get("days") ?? 30);
    const note = String(form.get("note") ?? "").trim();
    const values = { scope, evidence, days: String(form.get("days") ?? ""), note };
    if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) return fail(400, { ...values, message: `Choose an expiry between 1 and ${MAX_DAYS} days.` });
    if (evidence !== "all" && evidence !== "none") return fail(400, { ...values, message: "Choose whether the link includes the evidence." });
    if (!scope && evidence === "none") return fail(400, { ...values, message: "A link must share the scope views, the evidence, or both." });
    if (note.length > 1000) return fail(400, { ...values, message: "Keep the note under 1,000 characters." });
    const grants: ShareGrants = { scope, evidence };
    try {
      const created = await api(event).post<{ token: string; link: ShareLinkView }>("/v1/share-links", {
        grants,
        expiresAt: new Date(Date.now() + days * 86_400_000).toISOString(),
        ...(note ? { note } : {}),
      });
      // Shown once: only its hash is stored, so this is the only time anyone sees it.
      return { created: { url: `${event.url.origin}/share/${created.token}`, link: created.link } };
    } catch (e) {
      if (e instanceof ApiFailure && e.status < 500) return fail(e.status, { ...values, message: e.status === 403 ? "Only owners and admins can share with auditors." : e.message });
      throw e;
    }
  },
  revoke: async (event) => {
    const id = String((await event.request.formData()).get("id") ?? "");
    if (!/^shl_[0-9a-f]+$/.test(id)) return fail(400, { message: "No such share link." });
    try {
      await api(event).del(`/v1/share-links/${id}`);
      return { revoked: id };
    } catch (e) {
      if (e instanceof ApiFailure && e.status < 500) return fail(e.status, { message: e.status === 403 ? "Only owners and admins can revoke share links." : e.message });
      throw e;
    }
  },
};
