import type { Provider } from "../../../contract/index.js";
import { NO_RULES, type ControlRules, type NetworkModel, type ParsedRule, type Peer, type Range, type SubnetInfo } from "./model.js";
import { ANY_PROTOCOL, intersectRange, isEmpty, portless, subtractRange, union, type PortSet } from "./ports.js";

/** One side of a path: a resource, a class of resources sharing subnet and controls, or the internet. */
export interface Endpoint {
  internet: boolean;
  /** A member's uid (the first), or "internet". */
  uid: string;
  subnetUid: string | undefined;
  subnet: SubnetInfo | undefined;
  network: string | undefined;
  provider: Provider;
  /** Stateful controls on the resource itself: security groups, NSGs on its NIC, GCP firewalls targeting it. */
  groups: readonly string[];
  /** Sorted private IPv4 addresses of the members. */
  ips: Float64Array;
  /** The subnet's CIDR, else the span of `ips`. */
  range: Range | undefined;
  members: number;
}

export type HopStep =
  | "source_egress" | "source_subnet_egress" | "source_acl_egress" | "route" | "peering" | "return_route"
  | "destination_acl_ingress" | "destination_acl_return" | "source_acl_return" | "destination_subnet_ingress"
  | "destination_ingress" | "internet_gateway" | "load_balancer" | "firewall";

/** One step of a path and the control (and rule or route) that allowed or blocked it. */
export interface Hop {
  step: HopStep;
  /** uid of the security group / NACL / route table / peering / gateway. */
  control: string;
  /** Rule.id or Route.id that decided, when one did. */
  ruleId?: string;
  action: "allow" | "deny" | "implicit_allow" | "implicit_deny" | "route" | "no_route" | "unknown";
  detail: string;
}

export interface LayerOutcome {
  ports: PortSet;
  /** A CIDR matched only part of the other side's addresses: the answer may differ per member. */
  partial: boolean;
  hop?: Hop;
}

function countWithin(ips: Float64Array, first: number, last: number): number {
  let a = 0;
  let b = ips.length;
  while (a < b) {
    const m = (a + b) >>> 1;
    if (ips[m]! < first) a = m + 1;
    else b = m;
  }
  let k = a;
  while (k < ips.length && ips[k]! <= last) k++;
  return k - a;
}

/** 0: no, 1: every address of `other`, 2: some of them. */
export function matchPeer(peer: Peer, other: Endpoint): 0 | 1 | 2 {
  switch (peer.kind) {
    case "any":
      return 1;
    case "none":
      return 0;
    case "internet":
      return other.internet ? 1 : 0;
    case "private":
      return other.internet ? 0 : 1;
    case "group":
      return !other.internet && other.groups.includes(peer.value) ? 1 : 0;
    case "cidr": {
      let best: 0 | 1 | 2 = 0;
      const range = other.range;
      for (const r of peer.ranges) {
        // The internet matches only "anywhere"; a restricted public range (an office) is not "the internet".
        if (other.internet) {
          if (r.prefix === 0) return 1;
          continue;
        }
        if (r.v6) continue;
        if (range === undefined) continue;
        // The subnet's range settles most rules; only a rule cutting through it needs the addresses.
        if (r.first <= range.first && r.last >= range.last) return 1;
        if (r.first > range.last || r.last < range.first) continue;
        const ips = other.ips;
        if (ips.length === 0) {
          best = 2;
          continue;
        }
        const n = countWithin(ips, r.first, r.last);
        if (n === ips.length) return 1;
        if (n > 0) best = 2;
      }
      return best;
    }
  }
}

function protoMatches(ruleProto: number, proto: number): boolean {
  return ruleProto === ANY_PROTOCOL || ruleProto === proto;
}

/**
 * First-match evaluation of ordered rules for traffic with `other` on `proto` and the ports
 * in `want`; what no rule matched is allowed only if `noMatchAllows`. A partially matching
 * allow counts (over-scoping is the safe side), a partially matching deny does not.
 */
export function ruleLayer(
  step: HopStep, controls: string, rules: readonly ParsedRule[], other: Endpoint, proto: number, want: PortSet,
  noMatchAllows: boolean, explain: boolean,
): LayerOutcome {
  let remaining: PortSet = want;
  let allowed: PortSet = [];
  let partial = false;
  let firstAllow: ParsedRule | undefined;
  let firstDeny: ParsedRule | undefined;
  const noPorts = portless(proto);
  for (const r of rules) {
    if (!protoMatches(r.proto, proto)) continue;
    const m = matchPeer(r.peer, other);
    if (m === 0) continue;
    if (m === 2) {
      partial = true;
      if (!r.allow) continue;
    }
    const hit = noPorts ? remaining : intersectRange(remaining, r.from, r.to);
    if (isEmpty(hit)) continue;
    if (r.allow) {
      allowed = isEmpty(allowed) ? hit : union(allowed, hit);
      firstAllow ??= r;
    } else firstDeny ??= r;
    remaining = noPorts ? [] : subtractRange(remaining, r.from, r.to);
    if (isEmpty(remaining)) break;
  }
  let implicitAllow = false;
  if (noMatchAllows && !isEmpty(remaining)) {
    allowed = isEmpty(allowed) ? remaining : union(allowed, remaining);
    implicitAllow = firstAllow === undefined;
  }
  const out: LayerOutcome = { ports: allowed, partial };
  if (isEmpty(allowed)) {
    out.hop = firstDeny
      ? { step, control: firstDeny.rule.ownerUid, ruleId: firstDeny.rule.id, action: "deny", detail: `denied by ${firstDeny.rule.id}` }
      : { step, control: controls, action: "implicit_deny", detail: `no rule of ${controls} allows it` };
  } else if (explain) {
    out.hop = firstAllow && !implicitAllow
      ? { step, control: firstAllow.rule.ownerUid, ruleId: firstAllow.rule.id, action: "allow", detail: `allowed by ${firstAllow.rule.id}` }
      : { step, control: controls, action: "implicit_allow", detail: `${controls}: allowed by default (no rule matched)` };
  }
  return out;
}

const combined = new WeakMap<NetworkModel, Map<string, ControlRules>>();

/** The rules of several controls applied as one (AWS groups are a union; GCP firewalls one priority-ordered set). */
export function rulesOf(model: NetworkModel, controls: readonly string[]): ControlRules {
  if (controls.length === 0) return NO_RULES;
  if (controls.length === 1) return model.rules.get(controls[0]!) ?? NO_RULES;
  let cache = combined.get(model);
  if (cache === undefined) combined.set(model, (cache = new Map()));
  const key = controls.join("\u0000");
  let c = cache.get(key);
  if (c === undefined) {
    const ingress: ParsedRule[] = [];
    const egress: ParsedRule[] = [];
    for (const g of controls) {
      const r = model.rules.get(g);
      if (r) {
        ingress.push(...r.ingress);
        egress.push(...r.egress);
      }
    }
    const order = (a: ParsedRule, b: ParsedRule) => a.rule.priority - b.rule.priority || (a.allow === b.allow ? (a.rule.id < b.rule.id ? -1 : a.rule.id > b.rule.id ? 1 : 0) : a.allow ? 1 : -1);
    c = { ingress: ingress.sort(order), egress: egress.sort(order) };
    cache.set(key, c);
  }
  return c;
}

/**
 * Default when no rule matches: ingress is denied (AWS, GCP implied deny), except that
 * Azure's default AllowVnetInBound admits private traffic; egress is allowed (GCP implied
 * allow, Azure AllowVnetOutBound/AllowInternetOutBound) except on AWS groups whose egress
 * rules were received, where the default egress rule has been replaced.
 */
export function ingressNoMatchAllows(provider: Provider, from: Endpoint): boolean {
  return provider === "azure" && !from.internet;
}
export function egressNoMatchAllows(provider: Provider, rules: ControlRules): boolean {
  return provider !== "aws" || rules.egress.length === 0;
}
