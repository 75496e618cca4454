/**
 * The boundary map's data from the API (resources by scope, flows touching an in-scope side),
 * built, laid out and drawn; shared by the map page and its SVG download.
 */
import { buildBoundaryMap, type BoundaryMap, type MapFilter } from "$lib/map/graph";
import { layoutBoundaryMap } from "$lib/map/layout";
import { boundaryMapSvg } from "$lib/map/svg";
import type { FlowEdgeView, Page, ResourceListItem, Scope, ScopeSummary } from "$lib/types";
import { api } from "./api";

/** Enough for the 50–300-node maps this is drawn for; beyond it the map says it is partial. */
export const MAX_RESOURCES_PER_SCOPE = 3000;
export const MAX_FLOWS_PER_QUERY = 2000;
const IN_SCOPE: Scope[] = ["cde", "security_impacting", "connected"];

type Client = ReturnType<typeof api>;

async function pages<T>(client: Client, path: string, query: Record<string, string | number | undefined>, max: number): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.get<Page<T>>(path, { ...query, limit: 500, cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length < max);
  return { items, truncated: cursor !== undefined };
}

export interface BoundaryMapView {
  summary: ScopeSummary;
  map: BoundaryMap;
  svg: string;
  truncated: boolean;
}

export async function loadBoundaryMap(event: Parameters<typeof api>[0], filter: MapFilter, o: { links: boolean; title: string }): Promise<BoundaryMapView> {
  const client = api(event);
  const scopes = (["cde", "security_impacting", "connected", "out_of_scope"] as Scope[]).filter(
    (s) => (filter.scopes.length === 0 || filter.scopes.includes(s)) && !(filter.hideOutOfScope && s === "out_of_scope"),
  );
  const flowQueries = IN_SCOPE.flatMap((s) => [{ srcScope: s }, { dstScope: s }]);
  const [summary, resourcePages, flowPages] = await Promise.all([
    client.get<ScopeSummary>("/v1/scope/summary"),
    Promise.all(scopes.map((scope) => pages<ResourceListItem>(client, "/v1/resources", { scope, account: filter.account ?? undefined }, MAX_RESOURCES_PER_SCOPE))),
    Promise.all(flowQueries.map((q) => pages<FlowEdgeView>(client, "/v1/flows", { ...q, action: "accept" }, MAX_FLOWS_PER_QUERY))),
  ]);
  const map = buildBoundaryMap(resourcePages.flatMap((p) => p.items), flowPages.flatMap((p) => p.items), filter);
  const svg = map.nodes.length ? boundaryMapSvg(await layoutBoundaryMap(map), o) : "";
  return { summary, map, svg, truncated: [...resourcePages, ...flowPages].some((p) => p.truncated) };
}

export function mapTitle(tenant: string, filter: MapFilter): string {
  const parts = [filter.scopes.length ? filter.scopes.join(", ") : "all scopes"];
  if (filter.account) parts.push(`account ${filter.account}`);
  if (filter.hideOutOfScope) parts.push("out of scope hidden");
  if (filter.minBytes) parts.push(`flows ≥ ${filter.minBytes} B`);
  return `${tenant} — CDE boundary and data flows (${parts.join("; ")}), ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
