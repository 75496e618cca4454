import { parseMapFilter } from "$lib/map/graph";
import { raise } from "$lib/server/api";
import { loadBoundaryMap, mapTitle } from "$lib/server/boundary-map";
import type { PageServerLoad } from "./$types";

/** The boundary map, laid out on the server: the URL holds the filters, the SVG comes ready. */
export const load: PageServerLoad = async (event) => {
  const filter = parseMapFilter(event.url.searchParams);
  try {
    const view = await loadBoundaryMap(event, filter, { links: true, title: mapTitle(event.locals.me!.tenant.name, filter) });
    return {
      filter,
      svg: view.svg,
      nodes: view.map.nodes.length,
      edges: view.map.edges.length,
      crossing: view.map.edges.filter((e) => e.crossesCde).length,
      shown: view.map.shown,
      folded: view.map.folded,
      levels: view.map.levels,
      total: view.summary.resources.total,
      accounts: view.summary.byProviderAccount.map((a) => ({ provider: a.provider, account: a.account })),
    };
  } catch (e) {
    raise(e);
  }
};
