import { api, raise } from "$lib/server/api";
import type { Page, ResourceListItem, ScopeSummary } from "$lib/types";
import type { PageServerLoad } from "./$types";

const KEYS = ["scope", "kind", "provider", "account", "q", "cursor"] as const;
const LIMITS = [50, 100, 200, 500];
const SORTS = ["name", "kind", "scope", "confidence", "account"] as const;
type Sort = (typeof SORTS)[number];

/**
 * The inventory: every filter, the search, the sort and the page position live in the URL, and the API
 * does the work (keyset pages from the tenant's Durable Object), so 100,000 resources cost
 * what one page costs.
 */
export const load: PageServerLoad = async (event) => {
  const params = event.url.searchParams;
  const filter: Record<string, string | undefined> = {};
  for (const k of KEYS) filter[k] = params.get(k)?.trim() || undefined;
  const limit = LIMITS.includes(Number(params.get("limit"))) ? Number(params.get("limit")) : 100;
  // Sorting also runs in the API (an index per order); by name unless the URL says otherwise.
  const sort: Sort = (SORTS as readonly string[]).includes(params.get("sort") ?? "") ? (params.get("sort") as Sort) : "name";
  const dir = params.get("dir") === "desc" ? "desc" : "asc";
  const client = api(event);
  try {
    const [page, summary] = await Promise.all([
      client.get<Page<ResourceListItem>>("/v1/resources", { ...filter, sort, dir, limit }),
      client.get<ScopeSummary>("/v1/scope/summary"),
    ]);
    return {
      page,
      filter,
      sort,
      dir,
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
