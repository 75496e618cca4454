import { redirect } from "@sveltejs/kit";
import { raiseShare, shareApi } from "$lib/server/api";
import type { Page, ResourceListItem, ScopeSummary } from "$lib/types";
import type { PageServerLoad } from "./$types";

const KEYS = ["scope", "kind", "provider", "account", "q", "cursor"] as const;
const LIMITS = [50, 100, 200, 500];

/** The inventory as the auditor sees it: the same keyset pages and filters as the admin's, held in the URL. */
export const load: PageServerLoad = async (event) => {
  const { info, base } = await event.parent();
  if (!info.link.grants.scope) redirect(303, `${base}/evidence`);
  const params = event.url.searchParams;
  const filter: Record<string, string | undefined> = {};
  for (const k of KEYS) filter[k] = params.get(k)?.trim() || undefined;
  const limit = LIMITS.includes(Number(params.get("limit"))) ? Number(params.get("limit")) : 100;
  const client = shareApi(event, event.params.token);
  try {
    const [page, summary] = await Promise.all([client.get<Page<ResourceListItem>>("/resources", { ...filter, limit }), client.get<ScopeSummary>("/scope/summary")]);
    return {
      page,
      filter,
      limit,
      facets: { kinds: summary.byKind.map((k) => k.kind), accounts: summary.byProviderAccount.map((a) => a.account), total: summary.resources.total },
    };
  } catch (e) {
    raiseShare(e);
  }
};
