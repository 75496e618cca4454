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

export function boundaryMap(sql: SqlStorage, filter: BoundaryMapFilter): BoundaryMapGraph {
  const maxNodes = Math.min(MAX_MAP_NODES, Math.max(10, filter.maxNodes ?? DEFAULT_MAP_NODES));
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

  // 2. The boxes: resources one by one where their scope fits, folded boxes from the counts otherwise.
  const nodes = new Map<string, BoundaryMapNode>();
  let shown = 0;
  const individual = scopes.filter((s) => levels[s] === "resource");
  if (individual.length > 0) {
    const w = resourceWhere(filter, "r", "d.scope", individual);
    for (const r of sql.exec<{ uid: string; name: string; kind: string; account: string; scope: Scope }>(
      `SELECT r.uid, r.name, r.kind, r.account, d.scope FROM decisions d CROSS JOIN resources r ON r.uid = d.uid WHERE ${w.sql}`,
      ...w.args,
    )) {
      nodes.set(r.uid, { id: r.uid, group: r.scope, label: r.name || r.uid.split(/[/:]/).pop() || r.uid, detail: `${r.kind.replaceAll("_", " ")} · ${r.account}`, uid: r.uid });
      shown++;
    }
  }
  let folded = 0;
  for (const g of rows) {
    const level = levels[g.scope]!;
    if (level === "resource") continue;
    folded += g.n;
    const id = level === "network" ? `g:${g.scope}:${g.provider}:${g.account}:${g.net}` : level === "account" ? `g:${g.scope}:${g.provider}:${g.account}` : `g:${g.scope}`;
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

  // 3. Accepted flows with an in-scope end, summed per (box, box, port). Ends outside the
  //    filter drop their flow; unmapped ends go to the external boxes.
  const end = (side: "src" | "dst") => {
    const r = `r${side[0]}`;
    const scope = `f.${side}_scope`;
    const kept = resourceWhere(filter, r, scope, scopes);
    const cases = scopes.map((s) => `WHEN '${s}' THEN ${keyExpr(levels[s] ?? "scope", r, scope)}`).join(" ");
    return {
      sql: `CASE WHEN f.${side}_uid IS NULL THEN ${externalExpr(`f.${side}_ip`)} WHEN ${kept.sql} THEN CASE ${scope} ${cases} END END`,
      args: kept.args,
    };
  };
  const src = end("src");
  const dst = end("dst");
  const inScope = IN_SCOPE.filter((s) => scopes.includes(s)).map((s) => `'${s}'`).join(", ");
  const pairs = inScope === ""
    ? []
    : sql
        .exec<{ s: string | null; t: string | null; port: number; protocol: number; bytes: number; flows: number }>(
          `SELECT ${src.sql} AS s, ${dst.sql} AS t, f.dst_port AS port, f.protocol AS protocol, sum(f.bytes) AS bytes, sum(f.flows) AS flows
           FROM flow_edges f LEFT JOIN resources rs ON rs.uid = f.src_uid LEFT JOIN resources rd ON rd.uid = f.dst_uid
           WHERE f.action = 'accept' AND (f.src_scope IN (${inScope}) OR f.dst_scope IN (${inScope}))
           GROUP BY 1, 2, 3, 4`,
          ...src.args,
          ...dst.args,
        )
        .toArray();

  interface Pair { source: string; target: string; ports: Map<string, number>; bytes: number; flows: number }
  const byPair = new Map<string, Pair>();
  for (const p of pairs) {
    if (p.s === null || p.t === null || p.s === p.t) continue;
    const id = `${p.s}\u0000${p.t}`;
    const pair = byPair.get(id) ?? { source: p.s, target: p.t, ports: new Map(), bytes: 0, flows: 0 };
    const port = `${p.port}/${PROTO[p.protocol] ?? p.protocol}`;
    pair.ports.set(port, (pair.ports.get(port) ?? 0) + p.bytes);
    pair.bytes += p.bytes;
    pair.flows += p.flows;
    byPair.set(id, pair);
  }
  const edges: BoundaryMapEdge[] = [];
  for (const p of byPair.values()) {
    if (p.bytes < (filter.minBytes ?? 0)) continue;
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
  return { nodes: sorted, edges, shown, folded, levels };
}
