import { fail } from "@sveltejs/kit";
import { api, ApiFailure, raise } from "$lib/server/api";
import type { NamedViolationView, Page, UserView } from "$lib/types";
import type { Actions, PageServerLoad } from "./$types";

const STATUSES = ["open", "acknowledged", "resolved"] as const;
const SEVERITIES = ["critical", "high", "medium", "low"] as const;
const KINDS = ["flow_cde_out_of_scope", "path_cde_out_of_scope", "internet_to_cde", "unmapped_ip_to_cde"] as const;
const pick = <T extends string>(v: string | null, allowed: readonly T[]) => (allowed as readonly string[]).includes(v ?? "") ? (v as T) : undefined;

/** Segmentation violations, open ones first by default; the URL holds the filter and page. */
export const load: PageServerLoad = async (event) => {
  const p = event.url.searchParams;
  // "all" lists every status; no parameter means what needs attention.
  const status = p.get("status") === "all" ? undefined : (pick(p.get("status"), STATUSES) ?? "open");
  const filter = { status, severity: pick(p.get("severity"), SEVERITIES), kind: pick(p.get("kind"), KINDS), cursor: p.get("cursor") || undefined };
  const client = api(event);
  try {
    const [page, users] = await Promise.all([
      client.get<Page<NamedViolationView>>("/v1/violations", { ...filter, limit: 50 }),
      client.get<{ items: UserView[] }>("/v1/users").catch(() => ({ items: [] as UserView[] })),
    ]);
    return { page, filter: { ...filter, status: status ?? "all" }, people: Object.fromEntries(users.items.map((u) => [u.id, u.name || u.email])) };
  } catch (e) {
    raise(e);
  }
};

function triage(status: "acknowledge" | "resolve"): Actions[string] {
  return async (event) => {
    const form = await event.request.formData();
    const id = String(form.get("id") ?? "");
    const comment = String(form.get("comment") ?? "").trim();
    if (!/^[0-9a-f]{16}$/.test(id)) return fail(400, { id, comment, message: "That violation does not exist." });
    if (comment.length < 3) return fail(400, { id, comment, message: `Say why you ${status} it: an assessor will read the comment.` });
    try {
      await api(event).post(`/v1/violations/${id}/${status}`, { comment });
    } catch (e) {
      if (e instanceof ApiFailure && e.status < 500) {
        const message = e.status === 403 ? "Your role can read violations but not acknowledge or resolve them; ask an analyst, admin or owner." : e.message;
        return fail(e.status, { id, comment, message });
      }
      throw e;
    }
    return { id, done: status };
  };
}

export const actions: Actions = { acknowledge: triage("acknowledge"), resolve: triage("resolve") };
