/**
 * The boundary map's graph (PCI DSS 1.2.3 network diagram / 1.2.4 data-flow diagram): boxes
 * grouped by scope and the accepted flows observed between them. The API aggregates it in the
 * tenant's object (worker/durable-objects/tenant-scope/boundary-map.ts) to a few hundred boxes
 * at most; a folded box carries the filter that opens it.
 */
import type { BoundaryMapEdge, BoundaryMapGraph, BoundaryMapNode, FoldLevel } from "$api/durable-objects/tenant-scope/boundary-map.js";
import type { Scope } from "../types.js";

export type MapGroup = Scope | "external";
export const MAP_GROUPS: readonly MapGroup[] = ["external", "out_of_scope", "connected", "security_impacting", "cde"];
export const MAP_GROUP_LABEL: Record<MapGroup, string> = {
  cde: "Cardholder data environment",
  security_impacting: "Security-impacting",
  connected: "Connected-to",
  out_of_scope: "Out of scope",
  external: "Unmapped addresses",
};

export interface MapFilter {
  /** Scopes shown; empty means all. */
  scopes: Scope[];
  account: string | null;
  /** The first network (VPC / VNet) of a resource: what a per-network box opens. */
  network: string | null;
  hideOutOfScope: boolean;
  minBytes: number;
  /** Also draw networks, subnets, security groups, NICs… */
  plumbing: boolean;
}

export type MapNode = BoundaryMapNode;
export type MapEdge = BoundaryMapEdge;
export type BoundaryMap = BoundaryMapGraph;
export type { FoldLevel };

/** More boxes than this stop being a diagram anyone can read (and ELK slows down). */
export const MAX_NODES = 200;

export function parseMapFilter(params: URLSearchParams): MapFilter {
  const scopes = params.getAll("scope").filter((s): s is Scope => ["cde", "security_impacting", "connected", "out_of_scope"].includes(s));
  const minBytes = Math.max(0, Math.floor(Number(params.get("minBytes") ?? 0)) || 0);
  return {
    scopes,
    account: params.get("account")?.trim() || null,
    network: params.has("network") ? (params.get("network") ?? "").trim() : null,
    hideOutOfScope: params.get("hideOos") === "1",
    minBytes,
    plumbing: params.get("plumbing") === "1",
  };
}

/** The map page's address for a filter: what a folded box links to, and what the form submits. */
export function mapHref(f: Partial<MapFilter>): string {
  const q = new URLSearchParams();
  for (const s of f.scopes ?? []) q.append("scope", s);
  if (f.account) q.set("account", f.account);
  if (f.network !== null && f.network !== undefined) q.set("network", f.network);
  if (f.hideOutOfScope) q.set("hideOos", "1");
  if (f.minBytes) q.set("minBytes", String(f.minBytes));
  if (f.plumbing) q.set("plumbing", "1");
  const s = q.toString();
  return s ? `/map?${s}` : "/map";
}

/** The query the API takes for a filter. */
export function mapQuery(f: MapFilter): URLSearchParams {
  const q = new URLSearchParams();
  for (const s of f.scopes) q.append("scope", s);
  if (f.account) q.set("account", f.account);
  if (f.network !== null) q.set("network", f.network);
  if (f.hideOutOfScope) q.set("hideOos", "1");
  if (f.minBytes) q.set("minBytes", String(f.minBytes));
  if (f.plumbing) q.set("plumbing", "1");
  q.set("maxNodes", String(MAX_NODES));
  return q;
}
