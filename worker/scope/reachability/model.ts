import type { Provider, Resource, Route, Rule } from "../../../contract/index.js";
import { ipv4ToInt, parseIpv4Cidr } from "../cidr.js";
import { networkOf } from "../graph.js";
import { protocolNumber } from "./ports.js";

/**
 * The tenant's configured network, built once per classification from the contract's
 * Resources, Rules and Routes (AWS, Azure and GCP in their normalized shapes): subnets with
 * their route table, NACLs and subnet-level stateful controls; route tables with routes
 * sorted for longest-prefix match; peerings; rules per control sorted for first-match.
 * Everything a path query needs is a Map lookup away (docs/scoping-method.md, "Network model").
 */

/** An IPv4 range; `v6` ranges only match "::/0" on the internet side (IPv6 paths are not modelled). */
export interface Range {
  first: number;
  last: number;
  prefix: number;
  v6: boolean;
}

export type Peer =
  | { kind: "any" }
  | { kind: "cidr"; ranges: readonly Range[] }
  | { kind: "group"; value: string }
  | { kind: "internet" }
  | { kind: "private" }
  | { kind: "none" };

export interface ParsedRule {
  rule: Rule;
  proto: number;
  from: number;
  to: number;
  allow: boolean;
  peer: Peer;
}

export interface ParsedRoute {
  route: Route;
  range: Range;
  active: boolean;
}

export interface SubnetInfo {
  uid: string;
  network: string | undefined;
  range: Range | undefined;
  provider: Provider;
  /** Explicitly associated route table, else the network's main table. */
  table: string | undefined;
  nacls: readonly string[];
  /** Stateful controls attached to the subnet (Azure subnet NSGs, subnet-scoped firewalls). */
  statefulControls: readonly string[];
}

export interface ControlRules {
  ingress: readonly ParsedRule[];
  egress: readonly ParsedRule[];
}

/** A transit gateway attachment: the network it joins to the gateway and the gateway route table that routes what enters through it. */
export interface TransitAttachment {
  uid: string;
  gateway: string;
  network: string | undefined;
  table: string | undefined;
}

/** A firewall that filters traffic routed through it (Azure Firewall): its rules are sent as halves (ingress: sources, egress: destinations). */
export interface TransitFirewall {
  uid: string;
  /** false when its policy could not be read: passing through it is not evaluated. */
  rulesRead: boolean;
  /** Rules left out by the collector (deny rules narrow on both sides): what is shown allowed may be closed. */
  denyRulesNotSent: readonly string[];
}

export interface NetworkModel {
  resources: readonly Resource[];
  index: ReadonlyMap<string, number>;
  subnets: ReadonlyMap<string, SubnetInfo>;
  rules: ReadonlyMap<string, ControlRules>;
  /** Routes per table, longest prefix first. */
  routes: ReadonlyMap<string, readonly ParsedRoute[]>;
  /** Peering uid → the two networks it joins. */
  peerings: ReadonlyMap<string, readonly [string, string]>;
  /** "netA\0netB" (sorted) → peering uids. */
  peered: ReadonlyMap<string, readonly string[]>;
  providerOfNetwork: ReadonlyMap<string, Provider>;
  /** Entry points per target uid: load balancers (attributes.targets) and transit firewalls (attributes.dnatTargets). */
  balancersOf: ReadonlyMap<string, readonly string[]>;
  /** Transit gateway attachments by uid. */
  attachments: ReadonlyMap<string, TransitAttachment>;
  /** "gateway id\0network" → the network's attachment to that gateway (see gatewayId). */
  attachmentOf: ReadonlyMap<string, string>;
  /** Transit gateway route tables whose routes were read: a missing route there is a fact, not a gap. */
  transitTables: ReadonlySet<string>;
  /** Transit firewalls by uid and by `ip:<private address>` (how a route names a virtual appliance). */
  firewalls: ReadonlyMap<string, TransitFirewall>;
  hasConfiguration: boolean;
}

const EMPTY_RULES: ControlRules = Object.freeze({ ingress: Object.freeze([]), egress: Object.freeze([]) });
export const NO_RULES = EMPTY_RULES;

export function parseRange(text: string): Range | undefined {
  const t = text.trim();
  if (t.includes(":")) {
    const slash = t.indexOf("/");
    const prefix = slash < 0 ? 128 : Number(t.slice(slash + 1));
    return { first: 0, last: -1, prefix: Number.isInteger(prefix) ? prefix : 128, v6: true };
  }
  const r = parseIpv4Cidr(t);
  return r === undefined ? undefined : { first: r.first, last: r.last, prefix: r.prefix, v6: false };
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : [];
}

export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

function parsePeer(rule: Rule, prefixLists: ReadonlyMap<string, Range[]>): Peer {
  const p = rule.peer;
  switch (p.kind) {
    case "any":
      return { kind: "any" };
    case "group":
      return { kind: "group", value: p.value };
    case "cidr": {
      const r = parseRange(p.value);
      return r === undefined ? { kind: "none" } : { kind: "cidr", ranges: [r] };
    }
    case "prefix_list": {
      const ranges = prefixLists.get(p.value);
      return ranges === undefined ? { kind: "none" } : { kind: "cidr", ranges };
    }
    case "service_tag": {
      const v = p.value.toLowerCase().replace(/[^a-z*]/g, "");
      if (v === "*" || v === "any") return { kind: "any" };
      if (v === "internet") return { kind: "internet" };
      if (v === "virtualnetwork" || v === "vnet") return { kind: "private" };
      return { kind: "none" };
    }
  }
}

function parseRule(rule: Rule, prefixLists: ReadonlyMap<string, Range[]>): ParsedRule {
  return { rule, proto: protocolNumber(rule.protocol), from: rule.fromPort, to: rule.toPort, allow: rule.action === "allow", peer: parsePeer(rule, prefixLists) };
}

/** First-match order: priority, then deny before allow at equal priority, then id (deterministic). */
export function compareRules(a: ParsedRule, b: ParsedRule): number {
  if (a.rule.priority !== b.rule.priority) return a.rule.priority - b.rule.priority;
  if (a.allow !== b.allow) return a.allow ? 1 : -1;
  return a.rule.id < b.rule.id ? -1 : a.rule.id > b.rule.id ? 1 : 0;
}

const STATEFUL_KINDS = new Set<string>(["security_group", "firewall"]);
/** The kinds the model reads; systems (the bulk of a tenant) are skipped in one Set lookup. */
const MODEL_KINDS = new Set<string>(["subnet", "network", "prefix_list", "route_table", "network_acl", "peering", "load_balancer", "security_group", "firewall"]);

/** `deduped`: resources already unique by uid with their index (the classifier's graph), to skip a second pass. */
export function buildNetworkModel(
  input: { resources: readonly Resource[]; rules: readonly Rule[]; routes: readonly Route[] },
  deduped?: { resources: readonly Resource[]; index: ReadonlyMap<string, number> },
): NetworkModel {
  let resources: readonly Resource[];
  let index: ReadonlyMap<string, number>;
  if (deduped !== undefined) ({ resources, index } = deduped);
  else {
    const list: Resource[] = [];
    const map = new Map<string, number>();
    for (const r of input.resources) {
      if (map.has(r.uid)) continue;
      map.set(r.uid, list.length);
      list.push(r);
    }
    resources = list;
    index = map;
  }

  const prefixLists = new Map<string, Range[]>();
  const subnetRes: Resource[] = [];
  const explicitTable = new Map<string, string>();
  const mainTable = new Map<string, string>();
  const nacls = new Map<string, string[]>();
  const subnetStateful = new Map<string, string[]>();
  const peerings = new Map<string, readonly [string, string]>();
  const peered = new Map<string, string[]>();
  const providerOfNetwork = new Map<string, Provider>();
  const balancersOf = new Map<string, string[]>();
  const attachments = new Map<string, TransitAttachment>();
  const associatedBy = new Map<string, string>();
  const transitTables = new Set<string>();
  const firewalls = new Map<string, TransitFirewall>();
  const add = (m: Map<string, string[]>, k: string, v: string) => {
    const l = m.get(k);
    if (l === undefined) m.set(k, [v]);
    else if (!l.includes(v)) l.push(v);
  };

  for (const r of resources) {
    if (!MODEL_KINDS.has(r.kind)) continue;
    const net = networkOf(r);
    switch (r.kind) {
      case "subnet":
        subnetRes.push(r);
        break;
      case "network":
        providerOfNetwork.set(r.uid, r.provider);
        break;
      case "prefix_list": {
        const ranges = stringList(r.attributes?.["cidrs"]).map(parseRange).filter((x): x is Range => x !== undefined);
        prefixLists.set(r.uid, ranges);
        const id = r.attributes?.["prefixListId"];
        if (typeof id === "string") prefixLists.set(id, ranges);
        break;
      }
      case "route_table": {
        if (r.attributes?.["routeTableType"] === "transit_gateway") {
          if (r.attributes["routesRead"] !== false) transitTables.add(r.uid);
          if (r.attributes["associationsRead"] !== false) for (const a of stringList(r.attributes["associations"])) associatedBy.set(a, r.uid);
          break;
        }
        for (const s of net.subnets) if (!explicitTable.has(s)) explicitTable.set(s, r.uid);
        const vpc = net.networks[0] ?? r.parent;
        if (r.attributes?.["main"] === true && vpc !== undefined && !mainTable.has(vpc)) mainTable.set(vpc, r.uid);
        break;
      }
      case "network_acl":
        for (const s of net.subnets) add(nacls, s, r.uid);
        break;
      case "peering": {
        const gateway = r.attributes?.["transitGateway"];
        if (typeof gateway === "string") {
          const attached = r.attributes?.["attachedNetwork"];
          const table = r.attributes?.["associatedRouteTable"];
          attachments.set(r.uid, { uid: r.uid, gateway, network: typeof attached === "string" ? attached : undefined, table: typeof table === "string" ? table : undefined });
          break;
        }
        const a = (r.attributes?.["requesterVpc"] as string | null | undefined) ?? net.networks[0];
        const b = (r.attributes?.["accepterVpc"] as string | null | undefined) ?? net.networks[1];
        if (a && b && a !== b) {
          peerings.set(r.uid, [a, b]);
          add(peered, pairKey(a, b), r.uid);
        }
        break;
      }
      case "load_balancer":
        for (const t of stringList(r.attributes?.["targets"])) add(balancersOf, t, r.uid);
        break;
      case "firewall":
        if (r.attributes?.["ruleSemantics"] === "transit") {
          const fw: TransitFirewall = { uid: r.uid, rulesRead: r.attributes["rulesRead"] !== false, denyRulesNotSent: stringList(r.attributes["denyRulesNotSent"]) };
          firewalls.set(r.uid, fw);
          // DNAT sends the internet to these targets: the firewall is their entry point, like a load balancer.
          for (const t of stringList(r.attributes["dnatTargets"])) add(balancersOf, t, r.uid);
          for (const ip of net.privateIps) if (!firewalls.has(`ip:${ip}`)) firewalls.set(`ip:${ip}`, fw);
          // Its rules filter what is routed through it, not what enters its own subnet (AzureFirewallSubnet).
          continue;
        }
        break;
      default:
        break;
    }
    if (STATEFUL_KINDS.has(r.kind)) for (const s of net.subnets) add(subnetStateful, s, r.uid);
  }

  const subnets = new Map<string, SubnetInfo>();
  for (const s of subnetRes) {
    const net = networkOf(s);
    const network = net.networks[0] ?? s.parent;
    const cidr = s.attributes?.["cidrBlock"] ?? s.attributes?.["addressPrefix"] ?? s.attributes?.["ipCidrRange"];
    const range = typeof cidr === "string" ? parseRange(cidr) : undefined;
    subnets.set(s.uid, {
      uid: s.uid, network, range: range?.v6 ? undefined : range, provider: s.provider,
      table: explicitTable.get(s.uid) ?? (network === undefined ? undefined : mainTable.get(network)),
      nacls: (nacls.get(s.uid) ?? []).sort(), statefulControls: (subnetStateful.get(s.uid) ?? []).sort(),
    });
    if (network !== undefined && !providerOfNetwork.has(network)) providerOfNetwork.set(network, s.provider);
  }

  // The route table's own association list is the authority; the attachment's copy fills gaps.
  const attachmentOf = new Map<string, string>();
  for (const a of attachments.values()) {
    a.table = associatedBy.get(a.uid) ?? a.table;
    if (a.network !== undefined) attachmentOf.set(`${gatewayId(a.gateway)}\u0000${a.network}`, a.uid);
  }

  const byOwner = new Map<string, { ingress: ParsedRule[]; egress: ParsedRule[] }>();
  for (const rule of input.rules) {
    let c = byOwner.get(rule.ownerUid);
    if (c === undefined) byOwner.set(rule.ownerUid, (c = { ingress: [], egress: [] }));
    c[rule.direction].push(parseRule(rule, prefixLists));
  }
  for (const c of byOwner.values()) {
    c.ingress.sort(compareRules);
    c.egress.sort(compareRules);
  }

  const routes = new Map<string, ParsedRoute[]>();
  for (const route of input.routes) {
    // A prefix-list destination (a gateway endpoint's, or a customer list) routes every CIDR in the list.
    const one = parseRange(route.destination);
    const ranges = one !== undefined ? [one] : prefixLists.get(route.destination) ?? [];
    for (const range of ranges) {
      if (range.v6) continue;
      const list = routes.get(route.tableUid);
      const parsed = { route, range, active: route.state !== "blackhole" && route.target.kind !== "blackhole" };
      if (list === undefined) routes.set(route.tableUid, [parsed]);
      else list.push(parsed);
    }
  }
  for (const list of routes.values()) list.sort((a, b) => b.range.prefix - a.range.prefix || (a.route.id < b.route.id ? -1 : a.route.id > b.route.id ? 1 : 0));

  return {
    resources, index, subnets, rules: byOwner, routes, peerings, peered, providerOfNetwork, balancersOf, attachments, attachmentOf, transitTables, firewalls,
    hasConfiguration: input.rules.length > 0 || input.routes.length > 0,
  };
}

/**
 * A gateway's id without its ARN's account: a transit gateway shared from another account
 * is named in a VPC route table under the table owner's account, in its attachments under
 * the gateway owner's. The id (tgw-…) is unique on its own.
 */
export function gatewayId(uid: string): string {
  return uid.slice(uid.lastIndexOf("/") + 1);
}

/** The longest-prefix route in `table` containing `address`, or undefined. */
export function lookupRoute(model: NetworkModel, table: string, address: number): ParsedRoute | undefined {
  const list = model.routes.get(table);
  if (list === undefined) return undefined;
  for (const r of list) if (address >= r.range.first && address <= r.range.last) return r;
  return undefined;
}

/** Sorted IPv4 addresses of a resource (private, then public ones are kept apart by the caller). */
export function ipv4s(ips: readonly string[]): number[] {
  const out: number[] = [];
  for (const ip of ips) {
    const v = ipv4ToInt(ip);
    if (v >= 0) out.push(v);
  }
  return out.sort((a, b) => a - b);
}
