/**
 * The boundary map's graph (PCI DSS 1.2.3 network diagram / 1.2.4 data-flow diagram): resources
 * grouped by scope, observed accepted flows aggregated per resource pair with their ports and
 * bytes. Pure, so the page, the SVG export and the tests build the same picture.
 */
import type { FlowEdgeView, ResourceListItem, Scope } from "../types.js";

export type MapGroup = Scope | "external";
export const MAP_GROUPS: readonly MapGroup[] = ["external", "out_of_scope", "connected", "security_impacting", "cde"];
export const MAP_GROUP_LABEL: Record<MapGroup, string> = {
  cde: "Cardholder data environment",
  security_impacting: "Security-impacting",
  connected: "Connected-to",
  out_of_scope: "Out of scope",
  external: "Unmapped addresses",
};

/** Network plumbing that explains paths but clutters a diagram of what talks to what. */
const PLUMBING = new Set(["network", "subnet", "security_group", "route_table", "network_acl", "peering", "prefix_list", "nic", "public_ip"]);

export interface MapFilter {
  /** Scopes shown; empty means all. */
  scopes: Scope[];
  account: string | null;
  hideOutOfScope: boolean;
  minBytes: number;
  /** Also draw networks, subnets, security groups, NICs… */
  plumbing: boolean;
}

export interface MapNode {
  id: string;
  group: MapGroup;
  label: string;
  detail: string;
  /** A resource's page; aggregate nodes have none. */
  uid?: string;
  /** Set on a node that stands for several resources. */
  count?: number;
}

export interface MapEdge {
  id: string;
  source: string;
  target: string;
  /** "443/tcp", most bytes first. */
  ports: string[];
  bytes: number;
  flows: number;
  /** One end in the CDE, the other not: the traffic segmentation has to control. */
  crossesCde: boolean;
}

export interface BoundaryMap {
  nodes: MapNode[];
  edges: MapEdge[];
  /** Resources drawn one by one, and folded into aggregate nodes. */
  shown: number;
  folded: number;
}

/** Above these, out-of-scope nodes with flows, and isolated nodes of any scope, fold per account. */
export const OUT_OF_SCOPE_LIMIT = 40;
export const ISOLATED_LIMIT = 60;
/** More boxes than this stop being a diagram anyone can read (and ELK slows down). */
export const MAX_NODES = 300;

const PROTO: Record<number, string> = { 1: "icmp", 6: "tcp", 17: "udp", 58: "icmpv6" };
const portLabel = (f: FlowEdgeView) => `${f.dstPort}/${PROTO[f.protocol] ?? f.protocol}`;

function isPublic(ip: string): boolean {
  const m = /^(\d+)\.(\d+)\./.exec(ip);
  if (!m) return !/^(f[cd]|fe[89ab])/i.test(ip);
  const a = Number(m[1]);
  const b = Number(m[2]);
  return !(a === 10 || a === 127 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b < 128) || (a === 169 && b === 254));
}

const externalNode = (ip: string): MapNode =>
  isPublic(ip)
    ? { id: "ext:internet", group: "external", label: "Internet", detail: "public addresses no scan maps" }
    : { id: "ext:private", group: "external", label: "Unmapped private addresses", detail: "no known resource has them" };

const foldId = (group: MapGroup, r: ResourceListItem) => `fold:${group}:${r.provider}:${r.account}`;

export function parseMapFilter(params: URLSearchParams): MapFilter {
  const scopes = params.getAll("scope").filter((s): s is Scope => ["cde", "security_impacting", "connected", "out_of_scope"].includes(s));
  const minBytes = Math.max(0, Math.floor(Number(params.get("minBytes") ?? 0)) || 0);
  return { scopes, account: params.get("account")?.trim() || null, hideOutOfScope: params.get("hideOos") === "1", minBytes, plumbing: params.get("plumbing") === "1" };
}

export function buildBoundaryMap(resources: readonly ResourceListItem[], flows: readonly FlowEdgeView[], filter: MapFilter): BoundaryMap {
  const wanted = (s: Scope) => (filter.scopes.length === 0 || filter.scopes.includes(s)) && !(filter.hideOutOfScope && s === "out_of_scope");
  const byUid = new Map<string, ResourceListItem & { scope: Scope }>();
  for (const r of resources) {
    if (r.scope === null || !wanted(r.scope)) continue;
    if (filter.account && r.account !== filter.account) continue;
    if (!filter.plumbing && PLUMBING.has(r.kind)) continue;
    byUid.set(r.uid, r as ResourceListItem & { scope: Scope });
  }

  // Aggregate accepted flows per (resource or external address kind) pair.
  const externals = new Map<string, MapNode>();
  const end = (uid: string | undefined, ip: string): string | null => {
    if (uid !== undefined) return byUid.has(uid) ? uid : null;
    const ext = externalNode(ip);
    externals.set(ext.id, ext);
    return ext.id;
  };
  interface Pair { source: string; target: string; ports: Map<string, number>; bytes: number; flows: number }
  const pairs = new Map<string, Pair>();
  const seen = new Set<string>();
  for (const f of flows) {
    if (f.action !== "accept") continue;
    const key = `${f.srcIp}|${f.dstIp}|${f.dstPort}|${f.protocol}`;
    if (seen.has(key)) continue; // the scope queries overlap
    seen.add(key);
    const source = end(f.srcUid, f.srcIp);
    const target = end(f.dstUid, f.dstIp);
    if (source === null || target === null || source === target) continue;
    const id = `${source}\u0000${target}`;
    const p = pairs.get(id) ?? { source, target, ports: new Map(), bytes: 0, flows: 0 };
    p.ports.set(portLabel(f), (p.ports.get(portLabel(f)) ?? 0) + f.bytes);
    p.bytes += f.bytes;
    p.flows += f.flows;
    pairs.set(id, p);
  }
  const kept = [...pairs.values()].filter((p) => p.bytes >= filter.minBytes);

  // Decide what is drawn one by one and what folds into a per-account node.
  const linked = new Set<string>();
  for (const p of kept) linked.add(p.source).add(p.target);
  const isolatedPerScope = new Map<Scope, number>();
  let linkedOos = 0;
  for (const r of byUid.values()) {
    if (!linked.has(r.uid)) isolatedPerScope.set(r.scope, (isolatedPerScope.get(r.scope) ?? 0) + 1);
    else if (r.scope === "out_of_scope") linkedOos++;
  }
  // Past MAX_NODES boxes, fold harder: first every non-CDE resource, then the CDE too, per account.
  const folds = (r: ResourceListItem & { scope: Scope }, level: number): boolean => {
    const isolated = !linked.has(r.uid);
    if (level >= 2 || (level >= 1 && r.scope !== "cde")) return true;
    return r.scope === "out_of_scope" ? isolated || linkedOos > OUT_OF_SCOPE_LIMIT : isolated && (isolatedPerScope.get(r.scope) ?? 0) > ISOLATED_LIMIT;
  };
  let level = 0;
  for (; level < 2; level++) {
    const boxes = new Set<string>();
    for (const r of byUid.values()) boxes.add(folds(r, level) ? foldId(r.scope, r) : r.uid);
    if (boxes.size <= MAX_NODES) break;
  }
  const rep = new Map<string, string>();
  const nodes = new Map<string, MapNode>();
  let folded = 0;
  for (const r of byUid.values()) {
    const isolated = !linked.has(r.uid);
    if (!folds(r, level)) {
      rep.set(r.uid, r.uid);
      nodes.set(r.uid, { id: r.uid, group: r.scope, label: r.name || r.uid.split(/[/:]/).pop() || r.uid, detail: `${r.kind.replaceAll("_", " ")} · ${r.account}`, uid: r.uid });
      continue;
    }
    folded++;
    const id = foldId(r.scope, r);
    rep.set(r.uid, id);
    const n = nodes.get(id) ?? { id, group: r.scope, label: "", detail: `${r.provider.toUpperCase()} ${r.account}`, count: 0 };
    n.count! += 1;
    n.label = `${n.count} ${n.count === 1 ? "resource" : "resources"}${isolated && level === 0 && r.scope !== "out_of_scope" ? " without flows" : ""}`;
    nodes.set(id, n);
  }
  for (const ext of externals.values()) if (linked.has(ext.id)) (rep.set(ext.id, ext.id), nodes.set(ext.id, ext));

  // Re-aggregate onto what is drawn; folding can merge pairs and make self-loops.
  const drawn = new Map<string, Pair>();
  for (const p of kept) {
    const source = rep.get(p.source)!;
    const target = rep.get(p.target)!;
    if (source === target) continue;
    const id = `${source}\u0000${target}`;
    const d = drawn.get(id) ?? { source, target, ports: new Map(), bytes: 0, flows: 0 };
    for (const [port, b] of p.ports) d.ports.set(port, (d.ports.get(port) ?? 0) + b);
    d.bytes += p.bytes;
    d.flows += p.flows;
    drawn.set(id, d);
  }
  const edges: MapEdge[] = [...drawn.values()].map((d, i) => {
    const a = nodes.get(d.source)!.group;
    const b = nodes.get(d.target)!.group;
    return {
      id: `e${i}`,
      source: d.source,
      target: d.target,
      ports: [...d.ports].sort((x, y) => y[1] - x[1]).map(([p]) => p),
      bytes: d.bytes,
      flows: d.flows,
      crossesCde: (a === "cde") !== (b === "cde"),
    };
  });
  const order = (n: MapNode) => MAP_GROUPS.indexOf(n.group);
  const sorted = [...nodes.values()].sort((x, y) => order(x) - order(y) || x.label.localeCompare(y.label));
  return { nodes: sorted, edges, shown: byUid.size - folded, folded };
}
