import type { Scope } from "../../scope/types.js";

/**
 * The boundary map's graph, aggregated in SQL so a tenant of any size comes back as at most
 * `maxNodes` boxes: each scope is drawn resource by resource when it fits, otherwise folded
 * per (account, network), per account, or into one box, finest level first and the CDE
 * first. Accepted flows with an in-scope end are summed between whatever boxes their ends
 * fall in. A folded box names the filter that opens it (drill-down).
 */
export type MapGroup = Scope | "external";
export type FoldLevel = "resource" | "network" | "account" | "scope";

export interface BoundaryMapFilter {
  /** Scopes shown; empty means all four. */
  scopes: Scope[];
  account?: string;
  /** The first network (VPC / VNet) of a resource: the drill-down below an account. */
  network?: string;
  hideOutOfScope?: boolean;
  /** Links carrying fewer bytes are left out. */
  minBytes?: number;
  /** Also draw networks, subnets, security groups, NICs… */
  plumbing?: boolean;
  maxNodes?: number;
  /** Fold further while there are more links than this (default 150). */
  maxEdges?: number;
}

export interface BoundaryMapNode {
  id: string;
  group: MapGroup;
  label: string;
  detail: string;
  /** A resource's own box. */
  uid?: string;
  /** A folded box: how many resources, and the filter that draws them. */
  count?: number;
  drill?: { scope: Scope; account?: string; network?: string };
}

export interface BoundaryMapEdge {
  id: string;
  source: string;
  target: string;
  /** "443/tcp", most bytes first (at most 12). */
  ports: string[];
  bytes: number;
  flows: number;
  /** One end in the CDE, the other not. */
  crossesCde: boolean;
}

export interface BoundaryMapGraph {
  nodes: BoundaryMapNode[];
  edges: BoundaryMapEdge[];
  /** Resources drawn one by one, and folded into boxes. */
  shown: number;
  folded: number;
  levels: Partial<Record<Scope, FoldLevel>>;
}

export const DEFAULT_MAP_NODES = 200;
export const MAX_MAP_NODES = 400;
const ORDER: Scope[] = ["cde", "security_impacting", "connected", "out_of_scope"];
const IN_SCOPE: Scope[] = ["cde", "security_impacting", "connected"];
const PLUMBING = ["network", "subnet", "security_group", "route_table", "network_acl", "peering", "prefix_list", "nic", "public_ip"];
const GROUP_ORDER: MapGroup[] = ["external", "out_of_scope", "connected", "security_impacting", "cde"];
const PROTO: Record<number, string> = { 1: "icmp", 6: "tcp", 17: "udp", 58: "icmpv6" };

type Binding = string | number | null;
const NET = "coalesce(json_extract(r.network, '$.networks[0]'), '')";

/** Which resources a filter keeps, over `r` (resources) and a scope expression. */
function resourceWhere(f: BoundaryMapFilter, r: string, scopeExpr: string, scopes: Scope[]): { sql: string; args: Binding[] } {
  const parts = [`${scopeExpr} IN (${scopes.map((s) => `'${s}'`).join(", ")})`];
  const args: Binding[] = [];
  if (f.account) parts.push(`${r}.account = ?`), args.push(f.account);
  if (f.network) parts.push(`coalesce(json_extract(${r}.network, '$.networks[0]'), '') = ?`), args.push(f.network);
  if (!f.plumbing) parts.push(`${r}.kind NOT IN (${PLUMBING.map((k) => `'${k}'`).join(", ")})`);
  return { sql: parts.join(" AND "), args };
}

/** The box a resource falls in at a fold level, as SQL over `r` and its scope. */
function keyExpr(level: FoldLevel, r: string, scope: string): string {
  const net = `coalesce(json_extract(${r}.network, '$.networks[0]'), '')`;
  if (level === "resource") return `${r}.uid`;
  if (level === "network") return `'g:' || ${scope} || ':' || ${r}.provider || ':' || ${r}.account || ':' || ${net}`;
  if (level === "account") return `'g:' || ${scope} || ':' || ${r}.provider || ':' || ${r}.account`;
  return `'g:' || ${scope}`;
}

/** An unmapped address: the internet, or a private range no scanned resource has. */
function externalExpr(ip: string): string {
  const priv = [
    `${ip} GLOB '10.*'`, `${ip} GLOB '127.*'`, `${ip} GLOB '192.168.*'`, `${ip} GLOB '169.254.*'`,
    `${ip} GLOB '172.1[6-9].*'`, `${ip} GLOB '172.2[0-9].*'`, `${ip} GLOB '172.3[01].*'`,
    `${ip} GLOB '100.6[4-9].*'`, `${ip} GLOB '100.[7-9][0-9].*'`, `${ip} GLOB '100.1[01][0-9].*'`, `${ip} GLOB '100.12[0-7].*'`,
    `(instr(${ip}, ':') > 0 AND (lower(${ip}) GLOB 'f[cd]*' OR lower(${ip}) GLOB 'fe[89ab]*'))`,
  ];
  return `CASE WHEN ${priv.join(" OR ")} THEN 'ext:private' ELSE 'ext:internet' END`;
}

type GroupRow = { scope: Scope; provider: string; account: string; net: string; n: number };

/** Picks each scope's fold level within the node budget, CDE first. */
export function chooseLevels(rows: GroupRow[], maxNodes: number): Partial<Record<Scope, FoldLevel>> {
  const levels: Partial<Record<Scope, FoldLevel>> = {};
  const count = (scope: Scope, level: FoldLevel) => {
    const mine = rows.filter((r) => r.scope === scope);
    if (level === "resource") return mine.reduce((s, r) => s + r.n, 0);
    if (level === "scope") return mine.length ? 1 : 0;
    return new Set(mine.map((r) => (level === "network" ? `${r.provider}:${r.account}:${r.net}` : `${r.provider}:${r.account}`))).size;
  };
  const present = ORDER.filter((s) => rows.some((r) => r.scope === s));
  let budget = maxNodes - 2; // the two external boxes
  present.forEach((scope, i) => {
    const later = present.length - i - 1; // each later scope needs at least one box
    const level = (["resource", "network", "account", "scope"] as FoldLevel[]).find((l) => count(scope, l) <= budget - later) ?? "scope";
    levels[scope] = level;
    budget -= count(scope, level);
  });
  return levels;
}

/** Links beyond this make ELK's layered layout take seconds; past it scopes fold further. */
export const DEFAULT_MAP_EDGES = 150;
const COARSER: Record<FoldLevel, FoldLevel | null> = { resource: "network", network: "account", account: "scope", scope: null };

type Individual = { uid: string; name: string; kind: string; provider: string; account: string; net: string; scope: Scope };
type PairRow = { s: string | null; t: string | null; port: number; protocol: number; bytes: number; flows: number };

/**
 * The last maps computed, per object and filter, valid until the next classification (which
 * is what changes resources, decisions and flows): a dashboard reloading the map costs
 * nothing until something changed.
 */
const cache = new WeakMap<SqlStorage, { stamp: string; maps: Map<string, BoundaryMapGraph> }>();

export function boundaryMap(sql: SqlStorage, filter: BoundaryMapFilter): BoundaryMapGraph {
  const stamp = sql.exec<{ v: string }>("SELECT coalesce(group_concat(value, '/'), '') AS v FROM meta WHERE key IN ('classified_at', 'dirty')").one().v;
  let entry = cache.get(sql);
  if (!entry || entry.stamp !== stamp) cache.set(sql, (entry = { stamp, maps: new Map() }));
  const key = JSON.stringify(filter);
  const hit = entry.maps.get(key);
  if (hit) return hit;
  const map = computeBoundaryMap(sql, filter);
  if (entry.maps.size >= 16) entry.maps.delete(entry.maps.keys().next().value!);
  entry.maps.set(key, map);
  return map;
}

export function computeBoundaryMap(sql: SqlStorage, filter: BoundaryMapFilter): BoundaryMapGraph {
  const maxNodes = Math.min(MAX_MAP_NODES, Math.max(10, filter.maxNodes ?? DEFAULT_MAP_NODES));
  const maxEdges = Math.max(1, filter.maxEdges ?? DEFAULT_MAP_EDGES);
  const scopes = ORDER.filter((s) => (filter.scopes.length === 0 || filter.scopes.includes(s)) && !(filter.hideOutOfScope && s === "out_of_scope"));
  if (scopes.length === 0) return { nodes: [], edges: [], shown: 0, folded: 0, levels: {} };

  // 1. How many resources fall in each (scope, account, network): one pass over the decisions.
  const where = resourceWhere(filter, "r", "d.scope", scopes);
  const rows = sql
    .exec<GroupRow>(
      `SELECT d.scope AS scope, r.provider AS provider, r.account AS account, ${NET} AS net, count(*) AS n
       FROM decisions d CROSS JOIN resources r ON r.uid = d.uid WHERE ${where.sql} GROUP BY 1, 2, 3, 4`,
      ...where.args,
    )
    .toArray();
  const levels = chooseLevels(rows, maxNodes);

  // 2. The resources drawn one by one (their scope fits the node budget).
  const individual = new Map<string, Individual>();
  const oneByOne = scopes.filter((s) => levels[s] === "resource");
  if (oneByOne.length > 0) {
    const w = resourceWhere(filter, "r", "d.scope", oneByOne);
    for (const r of sql.exec<Individual>(
      `SELECT r.uid, r.name, r.kind, r.provider, r.account, ${NET} AS net, d.scope AS scope FROM decisions d CROSS JOIN resources r ON r.uid = d.uid WHERE ${w.sql}`,
      ...w.args,
    )) individual.set(r.uid, { ...r });
  }

  // 3. Accepted flows with an in-scope end, summed per (box, box, port) at these levels. Ends
  //    outside the filter drop their flow; unmapped ends go to the external boxes.
  const end = (side: "src" | "dst") => {
    const r = `r${side[0]}`;
    const scope = `f.${side}_scope`;
    const kept = resourceWhere(filter, r, scope, scopes);
    const cases = scopes.map((sc) => `WHEN '${sc}' THEN ${keyExpr(levels[sc] ?? "scope", r, scope)}`).join(" ");
    return { sql: `CASE WHEN f.${side}_uid IS NULL THEN ${externalExpr(`f.${side}_ip`)} WHEN ${kept.sql} THEN CASE ${scope} ${cases} END END`, args: kept.args };
  };
  const src = end("src");
  const dst = end("dst");
  const inScope = IN_SCOPE.filter((sc) => scopes.includes(sc)).map((sc) => `'${sc}'`).join(", ");
  const pairs = inScope === ""
    ? []
    : sql
        .exec<PairRow>(
          `SELECT ${src.sql} AS s, ${dst.sql} AS t, f.dst_port AS port, f.protocol AS protocol, sum(f.bytes) AS bytes, sum(f.flows) AS flows
           FROM flow_edges f LEFT JOIN resources rs ON rs.uid = f.src_uid LEFT JOIN resources rd ON rd.uid = f.dst_uid
           WHERE f.action = 'accept' AND (f.src_scope IN (${inScope}) OR f.dst_scope IN (${inScope}))
           GROUP BY 1, 2, 3, 4`,
          ...src.args,
          ...dst.args,
        )
        .toArray()
        .filter((p) => p.s !== null && p.t !== null && p.s !== p.t);

  // 4. Too many links for a readable (and quickly laid out) diagram: fold one scope one level
  //    further at a time — the one whose folding removes the most links, the least important
  //    on a tie — re-summing the links in memory.
  let graph = assemble(rows, individual, pairs, levels, scopes, filter.minBytes ?? 0);
  const order = [...scopes].reverse().filter((sc) => rows.some((r) => r.scope === sc));
  while (graph.edges.length > maxEdges) {
    let best: { scope: Scope; graph: BoundaryMapGraph } | null = null;
    for (const scope of order) {
      const coarser = COARSER[levels[scope]!];
      if (coarser === null) continue;
      const tried = assemble(rows, individual, pairs, { ...levels, [scope]: coarser }, scopes, filter.minBytes ?? 0);
      if (best === null || tried.edges.length < best.graph.edges.length) best = { scope, graph: tried };
    }
    if (best === null) break;
    levels[best.scope] = COARSER[levels[best.scope]!]!;
    graph = best.graph;
  }
  return graph;
}

/** The box id of a resource or a finer box at `level` (ids are `g:scope:provider:account:network`). */
function boxId(scope: Scope, provider: string, account: string, net: string, level: FoldLevel): string {
  return level === "network" ? `g:${scope}:${provider}:${account}:${net}` : level === "account" ? `g:${scope}:${provider}:${account}` : `g:${scope}`;
}

function assemble(rows: GroupRow[], individual: Map<string, Individual>, pairs: PairRow[], levels: Partial<Record<Scope, FoldLevel>>, scopes: Scope[], minBytes: number): BoundaryMapGraph {
  const nodes = new Map<string, BoundaryMapNode>();
  let shown = 0;
  for (const r of individual.values()) {
    if (levels[r.scope] !== "resource") continue;
    nodes.set(r.uid, { id: r.uid, group: r.scope, label: r.name || r.uid.split(/[/:]/).pop() || r.uid, detail: `${r.kind.replaceAll("_", " ")} · ${r.account}`, uid: r.uid });
    shown++;
  }
  let folded = 0;
  for (const g of rows) {
    const level = levels[g.scope]!;
    if (level === "resource") continue;
    folded += g.n;
    const id = boxId(g.scope, g.provider, g.account, g.net, level);
    const node = nodes.get(id) ?? {
      id,
      group: g.scope,
      label: "",
      detail: level === "scope" ? "all accounts" : `${g.provider.toUpperCase()} ${g.account}${level === "network" ? ` · ${g.net || "no network"}` : ""}`,
      count: 0,
      drill: { scope: g.scope, ...(level !== "scope" ? { account: g.account } : {}), ...(level === "network" ? { network: g.net } : {}) },
    };
    node.count! += g.n;
    node.label = `${node.count!.toLocaleString("en-US")} ${node.count === 1 ? "resource" : "resources"}`;
    nodes.set(id, node);
  }

  // Where an end computed at the query's levels lands now (a scope may have folded since).
  const land = (id: string): string | null => {
    if (id.startsWith("ext:") || nodes.has(id)) return id;
    const one = individual.get(id);
    if (one) return boxId(one.scope, one.provider, one.account, one.net, levels[one.scope]!);
    const [, scope, provider, account, ...net] = id.split(":");
    if (!scope || !scopes.includes(scope as Scope)) return null;
    return boxId(scope as Scope, provider ?? "", account ?? "", net.join(":"), levels[scope as Scope]!);
  };
  interface Pair { source: string; target: string; ports: Map<string, number>; bytes: number; flows: number }
  const byPair = new Map<string, Pair>();
  for (const p of pairs) {
    const source = land(p.s!);
    const target = land(p.t!);
    if (source === null || target === null || source === target) continue;
    const id = `${source}\u0000${target}`;
    const pair = byPair.get(id) ?? { source, target, ports: new Map(), bytes: 0, flows: 0 };
    const port = `${p.port}/${PROTO[p.protocol] ?? p.protocol}`;
    pair.ports.set(port, (pair.ports.get(port) ?? 0) + p.bytes);
    pair.bytes += p.bytes;
    pair.flows += p.flows;
    byPair.set(id, pair);
  }
  const edges: BoundaryMapEdge[] = [];
  for (const p of byPair.values()) {
    if (p.bytes < minBytes) continue;
    for (const id of [p.source, p.target]) {
      if (id === "ext:internet") nodes.set(id, { id, group: "external", label: "Internet", detail: "public addresses no scan maps" });
      if (id === "ext:private") nodes.set(id, { id, group: "external", label: "Unmapped private addresses", detail: "no known resource has them" });
    }
    const a = nodes.get(p.source)?.group;
    const b = nodes.get(p.target)?.group;
    if (a === undefined || b === undefined) continue;
    edges.push({
      id: `e${edges.length}`,
      source: p.source,
      target: p.target,
      ports: [...p.ports].sort((x, y) => y[1] - x[1]).slice(0, 12).map(([port]) => port),
      bytes: p.bytes,
      flows: p.flows,
      crossesCde: (a === "cde") !== (b === "cde"),
    });
  }
  const order = (n: BoundaryMapNode) => GROUP_ORDER.indexOf(n.group);
  const sorted = [...nodes.values()].sort((x, y) => order(x) - order(y) || x.label.localeCompare(y.label) || (x.id < y.id ? -1 : 1));
  return { nodes: sorted, edges, shown, folded, levels: { ...levels } };
}
