/**
 * The boundary map's data from the API (one aggregated query: boxes and links, at most
 * MAX_NODES boxes whatever the tenant's size), laid out and drawn; shared by the map page
 * and its SVG download.
 */
import { mapQuery, type BoundaryMap, type MapFilter } from "$lib/map/graph";
import { layoutBoundaryMap } from "$lib/map/layout";
import { boundaryMapSvg } from "$lib/map/svg";
import type { ScopeSummary } from "$lib/types";
import { api, callApi } from "./api";

export interface BoundaryMapView {
  summary: ScopeSummary;
  map: BoundaryMap;
  svg: string;
}

export async function loadBoundaryMap(event: Parameters<typeof api>[0], filter: MapFilter, o: { links: boolean; title: string }): Promise<BoundaryMapView> {
  const [summary, map] = await Promise.all([
    api(event).get<ScopeSummary>("/v1/scope/summary"),
    // Repeated `scope` parameters: built here rather than through api().get's one-value query.
    callApi<BoundaryMap>(event, "GET", `/v1/scope/map?${mapQuery(filter)}`),
  ]);
  const svg = map.nodes.length ? boundaryMapSvg(await layoutBoundaryMap(map), o) : "";
  return { summary, map, svg };
}

export function mapTitle(tenant: string, filter: MapFilter): string {
  const parts = [filter.scopes.length ? filter.scopes.join(", ") : "all scopes"];
  if (filter.account) parts.push(`account ${filter.account}`);
  if (filter.network !== null) parts.push(`network ${filter.network || "(none)"}`);
  if (filter.hideOutOfScope) parts.push("out of scope hidden");
  if (filter.minBytes) parts.push(`flows ≥ ${filter.minBytes} B`);
  return `${tenant} — CDE boundary and data flows (${parts.join("; ")}), ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
