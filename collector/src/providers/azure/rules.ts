import type { SecurityRule } from "@azure/arm-network";
import type { Protocol, Rule, RulePeer } from "../../../../contract/index.js";
import { armUid } from "./types.js";

const PROTOCOLS: Record<string, Protocol> = { tcp: "tcp", udp: "udp", icmp: "icmp", esp: "50", ah: "51", "*": "all" };

/** "*" → whole range; "443" → 443; "1000-2000" → range. Unparseable entries are dropped. */
export function portRanges(single: string | undefined, many: string[] | undefined): Array<[number, number]> {
  const raw = [...(many ?? []), ...(single ? [single] : [])];
  if (raw.length === 0) return [[0, 65535]];
  const out: Array<[number, number]> = [];
  for (const r of raw) {
    const s = r.trim();
    if (s === "*" || s === "") {
      out.push([0, 65535]);
      continue;
    }
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(s);
    if (!m) continue;
    const a = Number(m[1]);
    const b = m[2] !== undefined ? Number(m[2]) : a;
    if (a > 65535 || b > 65535) continue;
    out.push([Math.min(a, b), Math.max(a, b)]);
  }
  return out;
}

/** An address prefix as a rule peer: "*" → any, a CIDR or address → cidr, a word → service tag. */
export function prefixPeer(prefix: string): RulePeer {
  const p = prefix.trim();
  if (p === "*" || p.toLowerCase() === "any") return { kind: "any" };
  if (/^[\d.]+(\/\d{1,2})?$/.test(p)) return { kind: "cidr", value: p.includes("/") ? p : `${p}/32` };
  if (p.includes(":") && /^[0-9a-f:]+(\/\d{1,3})?$/i.test(p)) return { kind: "cidr", value: p.includes("/") ? p : `${p}/128` };
  return { kind: "service_tag", value: p.slice(0, 256) };
}

function side(prefix: string | undefined, prefixes: string[] | undefined, asgs: Array<{ id?: string }> | undefined): RulePeer[] {
  const peers: RulePeer[] = [...(prefixes ?? []), ...(prefix ? [prefix] : [])].map(prefixPeer);
  for (const g of asgs ?? []) if (g.id) peers.push({ kind: "group", value: armUid(g.id) });
  return peers.length > 0 ? peers : [{ kind: "any" }];
}

/** True when a rule's own-side filter covers everything the NSG protects. */
function localSideIsEverything(peers: RulePeer[]): boolean {
  return peers.some((p) => p.kind === "any" || (p.kind === "service_tag" && p.value.toLowerCase() === "virtualnetwork"));
}

export interface NsgRulesResult {
  rules: Rule[];
  /** Deny rules that apply to only part of what the NSG protects (a destination CIDR or ASG). */
  narrowDenies: string[];
}

/**
 * NSG rules → contract rules: one per (remote peer × port range). The contract keeps the
 * remote side only; the local side (destination of an inbound rule) is dropped. For an allow
 * rule that over-states what is open; a deny rule that covers only part of the NSG's members
 * would over-state what is closed, so it is left out and listed (over-scoping is the safe side).
 */
export function nsgRules(ownerUid: string, rules: SecurityRule[]): NsgRulesResult {
  const out: Rule[] = [];
  const narrowDenies: string[] = [];
  const seen = new Set<string>();
  for (const r of rules) {
    if (!r.direction || !r.access || r.priority === undefined) continue;
    const direction = r.direction === "Inbound" ? "ingress" : "egress";
    const action = r.access === "Deny" ? "deny" : "allow";
    const source = side(r.sourceAddressPrefix, r.sourceAddressPrefixes, r.sourceApplicationSecurityGroups);
    const destination = side(r.destinationAddressPrefix, r.destinationAddressPrefixes, r.destinationApplicationSecurityGroups);
    const [remote, local] = direction === "ingress" ? [source, destination] : [destination, source];
    if (action === "deny" && !localSideIsEverything(local)) {
      narrowDenies.push(r.name ?? String(r.priority));
      continue;
    }
    const protocol = PROTOCOLS[(r.protocol ?? "*").toLowerCase()] ?? "all";
    const ranges: Array<[number, number]> =
      protocol === "tcp" || protocol === "udp" || protocol === "all" ? portRanges(r.destinationPortRange, r.destinationPortRanges) : protocol === "icmp" ? [[0, 255]] : [[0, 65535]];
    for (const peer of remote) {
      for (const [fromPort, toPort] of ranges) {
        const peerKey = peer.kind === "any" ? "any" : `${peer.kind}:${peer.value}`;
        const id = `${ownerUid}#${direction}#${r.name ?? r.priority}#${protocol}:${fromPort}-${toPort}#${peerKey}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push({
          id,
          ownerUid,
          direction,
          protocol,
          fromPort,
          toPort,
          peer,
          action,
          priority: r.priority,
          ...(r.description || r.name ? { description: (r.description || r.name || "").slice(0, 1024) } : {}),
        });
      }
    }
  }
  return { rules: out, narrowDenies };
}
