import { api, raise } from "$lib/server/api";
import type { Page, ResourceListItem, ScopeSummary } from "$lib/types";
import type { PageServerLoad } from "./$types";

const KEYS = ["scope", "kind", "provider", "account", "q", "cursor"] as const;
const LIMITS = [50, 100, 200, 500];

/**
 * The inventory: every filter, the search and the page position live in the URL, and the API
 * does the work (keyset pages from the tenant's Durable Object), so 100,000 resources cost
 * what one page costs.
 */
export const load: PageServerLoad = async (event) => {
  const params = event.url.searchParams;
  const filter: Record<string, string | undefined> = {};
  for (const k of KEYS) filter[k] = params.get(k)?.trim() || undefined;
  const limit = LIMITS.includes(Number(params.get("limit"))) ? Number(params.get("limit")) : 100;
  const client = api(event);
  try {
    const [page, summary] = await Promise.all([
      client.get<Page<ResourceListItem>>("/v1/resources", { ...filter, limit }),
      client.get<ScopeSummary>("/v1/scope/summary"),
    ]);
    return {
      page,
      filter,
      limit,
      facets: {
        kinds: summary.byKind.map((k) => k.kind),
        accounts: summary.byProviderAccount.map((a) => ({ provider: a.provider, account: a.account })),
        total: summary.resources.total,
      },
    };
  } catch (e) {
    raise(e);
  }
};
