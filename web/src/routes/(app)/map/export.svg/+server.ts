import { error } from "@sveltejs/kit";
import { parseMapFilter } from "$lib/map/graph";
import { ApiFailure } from "$lib/server/api";
import { loadBoundaryMap, mapTitle } from "$lib/server/boundary-map";
import type { RequestHandler } from "./$types";

/** The same map as the page, as a standalone SVG file to hand an assessor (PCI DSS 1.2.3 / 1.2.4). */
export const GET: RequestHandler = async (event) => {
  if (!event.locals.me) error(401, { message: "Sign in to download the boundary map." });
  const filter = parseMapFilter(event.url.searchParams);
  try {
    const view = await loadBoundaryMap(event, filter, { links: false, title: mapTitle(event.locals.me.tenant.name, filter) });
    if (!view.svg) error(404, { message: "Nothing to draw: no resources match these filters." });
    const day = new Date().toISOString().slice(0, 10);
    return new Response(`<?xml version="1.0" encoding="UTF-8"?>\n${view.svg}\n`, {
      headers: {
        "content-type": "image/svg+xml; charset=utf-8",
        "content-disposition": `attachment; filename="boundary-map-${day}.svg"`,
        "cache-control": "private, no-store",
      },
    });
  } catch (e) {
    if (e instanceof ApiFailure) error(e.status, { message: e.message, code: e.code });
    throw e;
  }
};
