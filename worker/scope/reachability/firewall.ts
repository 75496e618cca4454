import { matchPeer, type Endpoint, type Hop, type LayerOutcome } from "./layers.js";
import type { NetworkModel, ParsedRule, TransitFirewall } from "./model.js";
import { ANY_PROTOCOL, intersect, isEmpty, portless, subtractRange, union, type PortSet } from "./ports.js";

/**
 * A transit firewall's rules (Azure Firewall) applied to traffic routed through it. The
 * collector sends each firewall rule as two halves with the same priority and action: the
 * `ingress` half names the sources, the `egress` half the destinations (and, for DNAT, the
 * translated port). Traffic passes when, in order (priority, deny before allow), the first
 * rule whose source half matches the sender and whose destination half matches the receiver
 * and port allows it; nothing matched is denied (the firewall's default). A deny rule sent
 * with one half only has "any" on the other side. DNAT rules apply to traffic addressed to the
 * firewall's public address, not to routed traffic, so they are left out here.
 */
interface FirewallRule {
  key: string;
  priority: number;
  allow: boolean;
  sources: ParsedRule[];
  destinations: ParsedRule[];
}

const cache = new WeakMap<NetworkModel, Map<string, readonly FirewallRule[]>>();

/** `${owner}#ingress#network:group/coll/rule#tcp:443-443#cidr:10.0.0.0/8` → `network:group/coll/rule`. */
function ruleKey(r: ParsedRule): string {
  const rest = r.rule.id.slice(r.rule.ownerUid.length + r.rule.direction.length + 2);
  const parts = rest.split("#");
  return parts.length > 2 ? parts.slice(0, -2).join("#") : rest;
}

function transitRules(model: NetworkModel, uid: string): readonly FirewallRule[] {
  let byFirewall = cache.get(model);
  if (byFirewall === undefined) cache.set(model, (byFirewall = new Map()));
  let list = byFirewall.get(uid);
  if (list !== undefined) return list;
  const rules = new Map<string, FirewallRule>();
  const control = model.rules.get(uid);
  for (const half of [...(control?.ingress ?? []), ...(control?.egress ?? [])]) {
    const key = ruleKey(half);
    if (key.startsWith("dnat:")) continue;
    let r = rules.get(key);
    if (r === undefined) rules.set(key, (r = { key, priority: half.rule.priority, allow: half.allow, sources: [], destinations: [] }));
    (half.rule.direction === "ingress" ? r.sources : r.destinations).push(half);
  }
  list = [...rules.values()].sort((a, b) => a.priority - b.priority || (a.allow === b.allow ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.allow ? 1 : -1));
  byFirewall.set(uid, list);
  return list;
}

/** The ports of `want` one half matches for `other`; a deny half missing stands for "any". */
function halfPorts(halves: readonly ParsedRule[], allow: boolean, other: Endpoint, proto: number, want: PortSet): { ports: PortSet; partial: boolean; half?: ParsedRule } {
  if (halves.length === 0) return allow ? { ports: [], partial: false } : { ports: want, partial: false };
  let ports: PortSet = [];
  let partial = false;
  let half: ParsedRule | undefined;
  for (const h of halves) {
    if (h.proto !== ANY_PROTOCOL && h.proto !== proto) continue;
    const m = matchPeer(h.peer, other);
    if (m === 0) continue;
    // A CIDR covering only some of the members: counts for an allow (the safe side), not for a deny.
    if (m === 2) {
      if (!allow) continue;
      partial = true;
    }
    const hit = portless(proto) ? want : intersect(want, [h.from, h.to]);
    if (isEmpty(hit)) continue;
    ports = isEmpty(ports) ? hit : union(ports, hit);
    half ??= h;
  }
  return { ports, partial, ...(half ? { half } : {}) };
}

/** What of `want` (on `proto`) the firewall lets from `src` to `dst`, with the rule that decided. */
export function firewallLayer(model: NetworkModel, fw: TransitFirewall, src: Endpoint, dst: Endpoint, proto: number, want: PortSet, explain: boolean): LayerOutcome {
  let remaining: PortSet = want;
  let allowed: PortSet = [];
  let partial = false;
  let firstAllow: { rule: FirewallRule; half: ParsedRule } | undefined;
  let firstDeny: { rule: FirewallRule; half: ParsedRule } | undefined;
  for (const r of transitRules(model, fw.uid)) {
    const from = halfPorts(r.sources, r.allow, src, proto, remaining);
    if (isEmpty(from.ports)) continue;
    const to = halfPorts(r.destinations, r.allow, dst, proto, from.ports);
    if (isEmpty(to.ports)) continue;
    partial ||= from.partial || to.partial;
    const hit = to.ports;
    const half = (to.half ?? from.half)!;
    if (r.allow) {
      allowed = isEmpty(allowed) ? hit : union(allowed, hit);
      firstAllow ??= { rule: r, half };
    } else firstDeny ??= { rule: r, half };
    if (portless(proto)) remaining = [];
    else for (let i = 0; i < hit.length; i += 2) remaining = subtractRange(remaining, hit[i]!, hit[i + 1]!);
    if (isEmpty(remaining)) break;
  }
  const out: LayerOutcome = { ports: allowed, partial };
  if (isEmpty(allowed)) {
    out.hop = firstDeny
      ? { step: "firewall", control: fw.uid, ruleId: firstDeny.half.rule.id, action: "deny", detail: `denied by firewall rule ${firstDeny.rule.key} of ${fw.uid}` }
      : { step: "firewall", control: fw.uid, action: "implicit_deny", detail: `no rule of firewall ${fw.uid} allows ${src.uid} → ${dst.uid}: the firewall denies by default` };
  } else if (explain) {
    const notSent = fw.denyRulesNotSent.length ? ` (${fw.denyRulesNotSent.length} deny rule(s) narrow on both sides were not sent and may close it)` : "";
    out.hop = { step: "firewall", control: fw.uid, ruleId: firstAllow!.half.rule.id, action: "allow", detail: `allowed by firewall rule ${firstAllow!.rule.key} of ${fw.uid} (source and destination halves match)${notSent}` } satisfies Hop;
  }
  return out;
}

/** A port the internet is forwarded on to a target, and what forwards it. */
export interface Forward {
  proto: number;
  /** The ports the target receives on. */
  ports: PortSet;
  what: string;
  /** The rule that forwards it, when there is one (a DNAT rule's destination half). */
  ruleId?: string;
}

/** "Any", 0.0.0.0/0, ::/0, the Internet tag: a source standing for the whole internet. */
function admitsInternet(p: ParsedRule["peer"]): boolean {
  return p.kind === "any" || p.kind === "internet" || (p.kind === "cidr" && p.ranges.some((r) => r.prefix === 0));
}

/** Some DNAT rule of the firewall admits the internet as its source. */
export function hasInternetDnat(model: NetworkModel, fw: string): boolean {
  return (model.rules.get(fw)?.ingress ?? []).some((h) => ruleKey(h).startsWith("dnat:") && admitsInternet(h.peer));
}

/**
 * What the firewall's DNAT rules forward from the internet to `target`: a rule whose source
 * half admits the internet and whose destination half (the translated address and port)
 * matches the target. Sources narrower than the internet (an office) are not an exposure.
 */
export function dnatForwards(model: NetworkModel, fw: string, target: Endpoint): Forward[] {
  const control = model.rules.get(fw);
  if (control === undefined) return [];
  const open = new Set<string>();
  for (const h of control.ingress) if (ruleKey(h).startsWith("dnat:") && admitsInternet(h.peer)) open.add(ruleKey(h));
  const out: Forward[] = [];
  for (const h of control.egress) {
    const key = ruleKey(h);
    if (!open.has(key) || matchPeer(h.peer, target) === 0) continue;
    for (const proto of h.proto === ANY_PROTOCOL ? [6, 17] : [h.proto]) {
      out.push({ proto, ports: portless(proto) ? [0, 0] : [h.from, h.to], what: `DNAT rule ${key} (to port ${h.from === h.to ? h.from : `${h.from}-${h.to}`})`, ruleId: h.rule.id });
    }
  }
  return out;
}
