import type { ApplicationRule, AzureFirewall, FirewallPolicyRuleCollectionGroup, FirewallPolicyRuleUnion, NatRule, NetworkRule } from "@azure/arm-network";
import type { Protocol, Rule, RulePeer } from "../../../../contract/index.js";
import { ipv4RangeToCidrs } from "../shared.js";
import { portRanges, prefixPeer } from "./rules.js";
import { armUid } from "./types.js";

/**
 * Azure Firewall rules (classic rule collections on the firewall, or the rule collection
 * groups of its firewall policy and the policy's base policies) normalized into contract
 * rules owned by the firewall.
 *
 * A firewall rule filters traffic passing through (source → destination); a contract rule
 * has one peer. Each firewall rule is therefore sent as two halves with the same ports,
 * action and priority: `ingress` with the sources as peers (who may send through the
 * firewall) and `egress` with the destinations as peers (where to). A path routed through
 * the firewall passes when both halves allow it; nothing matched is denied (the firewall's
 * default). Pairing halves over-states what an allow opens, which is the safe side; a deny
 * half is sent only where the rule's other side is "any" — otherwise it would over-state
 * what is closed — and the rule is listed in `denyRulesNotSent`.
 *
 * Evaluation order is Azure's: DNAT, then network, then application collections; within a
 * type, base-policy groups before the child's, then group priority, then collection
 * priority. `priority` is the collection's rank in that order (1, 2, ...).
 */
export type CollectionType = "dnat" | "network" | "application";

export interface FirewallRuleInput {
  name: string;
  protocols: Protocol[];
  /** Port ranges of the destination (or, for application rules, of the protocol). */
  ports: Array<[number, number]>;
  sources: RulePeer[];
  destinations: RulePeer[];
  /** DNAT: where the traffic is sent after translation. */
  translated?: { address: string; port: string };
}

export interface FirewallCollection {
  type: CollectionType;
  /** `group/collection` for a policy, the collection name for classic rules. */
  name: string;
  action: "allow" | "deny";
  /** Sort key after the type: [policy depth (base first), group priority, collection priority]. */
  order: number[];
  rules: FirewallRuleInput[];
}

const TYPE_ORDER: Record<CollectionType, number> = { dnat: 0, network: 1, application: 2 };

function networkProtocols(list: string[] | undefined): Protocol[] {
  const out = new Set<Protocol>();
  for (const p of list ?? ["Any"]) {
    const s = p.toLowerCase();
    out.add(s === "tcp" ? "tcp" : s === "udp" ? "udp" : s === "icmp" ? "icmp" : "all");
  }
  return out.has("all") ? ["all"] : [...out];
}

/** "*", a CIDR, an address, a range (a-b), a service tag. */
export function addressPeers(addresses: string[] | undefined): RulePeer[] {
  const out: RulePeer[] = [];
  for (const a of addresses ?? []) {
    const range = /^(\d+\.\d+\.\d+\.\d+)-(\d+\.\d+\.\d+\.\d+)$/.exec(a.trim());
    if (range) out.push(...ipv4RangeToCidrs(range[1]!, range[2]!).map((value): RulePeer => ({ kind: "cidr", value })));
    else out.push(prefixPeer(a));
  }
  return out;
}

const ipGroupPeers = (ids: string[] | undefined): RulePeer[] => (ids ?? []).map((id) => ({ kind: "prefix_list", value: armUid(id) }));
const namedPeers = (prefix: string, names: string[] | undefined): RulePeer[] => (names ?? []).map((n) => ({ kind: "service_tag", value: `${prefix}:${n}`.slice(0, 256) }));

function networkRule(r: {
  name?: string;
  protocols: string[] | undefined;
  sourceAddresses?: string[];
  sourceIpGroups?: string[];
  destinationAddresses?: string[];
  destinationIpGroups?: string[];
  destinationFqdns?: string[];
  destinationPorts?: string[];
}): FirewallRuleInput {
  return {
    name: r.name ?? "",
    protocols: networkProtocols(r.protocols),
    ports: portRanges(undefined, r.destinationPorts),
    sources: [...addressPeers(r.sourceAddresses), ...ipGroupPeers(r.sourceIpGroups)],
    destinations: [...addressPeers(r.destinationAddresses), ...ipGroupPeers(r.destinationIpGroups), ...namedPeers("FQDN", r.destinationFqdns)],
  };
}

function applicationRule(r: {
  name?: string;
  sourceAddresses?: string[];
  sourceIpGroups?: string[];
  destinationAddresses?: string[];
  protocols?: Array<{ protocolType?: string; port?: number }>;
  targetFqdns?: string[];
  targetUrls?: string[];
  fqdnTags?: string[];
  webCategories?: string[];
}): FirewallRuleInput {
  const DEFAULT_PORT: Record<string, number> = { http: 80, https: 443, mssql: 1433 };
  const ports = (r.protocols ?? []).flatMap((p): Array<[number, number]> => {
    const port = p.port ?? DEFAULT_PORT[(p.protocolType ?? "").toLowerCase()];
    return port !== undefined ? [[port, port]] : [];
  });
  return {
    name: r.name ?? "",
    protocols: ["tcp"],
    ports: ports.length > 0 ? ports : [[0, 65535]],
    sources: [...addressPeers(r.sourceAddresses), ...ipGroupPeers(r.sourceIpGroups)],
    destinations: [
      ...addressPeers(r.destinationAddresses),
      ...namedPeers("FQDN", r.targetFqdns),
      ...namedPeers("URL", r.targetUrls),
      ...namedPeers("FqdnTag", r.fqdnTags),
      ...namedPeers("WebCategory", r.webCategories),
    ],
  };
}

function natRule(r: {
  name?: string;
  protocols: string[] | undefined;
  sourceAddresses?: string[];
  sourceIpGroups?: string[];
  destinationAddresses?: string[];
  destinationPorts?: string[];
  translatedAddress?: string;
  translatedFqdn?: string;
  translatedPort?: string;
}): FirewallRuleInput {
  const address = r.translatedAddress ?? r.translatedFqdn ?? "";
  return {
    name: r.name ?? "",
    protocols: networkProtocols(r.protocols),
    ports: portRanges(undefined, r.destinationPorts),
    sources: [...addressPeers(r.sourceAddresses), ...ipGroupPeers(r.sourceIpGroups)],
    // After translation the traffic goes to the translated address and port: that is the egress half.
    destinations: r.translatedAddress ? addressPeers([r.translatedAddress]) : namedPeers("FQDN", r.translatedFqdn ? [r.translatedFqdn] : []),
    translated: { address, port: r.translatedPort ?? "" },
  };
}

/** The classic rule collections written on the firewall itself. */
export function classicCollections(f: AzureFirewall): FirewallCollection[] {
  const out: FirewallCollection[] = [];
  for (const c of f.natRuleCollections ?? []) {
    out.push({ type: "dnat", name: c.name ?? "", action: "allow", order: [0, 0, c.priority ?? 65000], rules: (c.rules ?? []).map((r) => natRule({ ...r, protocols: r.protocols })) });
  }
  for (const c of f.networkRuleCollections ?? []) {
    out.push({ type: "network", name: c.name ?? "", action: c.action?.type === "Deny" ? "deny" : "allow", order: [0, 0, c.priority ?? 65000], rules: (c.rules ?? []).map((r) => networkRule({ ...r, protocols: r.protocols })) });
  }
  for (const c of f.applicationRuleCollections ?? []) {
    out.push({ type: "application", name: c.name ?? "", action: c.action?.type === "Deny" ? "deny" : "allow", order: [0, 0, c.priority ?? 65000], rules: (c.rules ?? []).map(applicationRule) });
  }
  return out;
}

function policyRule(r: FirewallPolicyRuleUnion): FirewallRuleInput | undefined {
  switch (r.ruleType) {
    case "NetworkRule":
      return networkRule({ ...(r as NetworkRule), protocols: (r as NetworkRule).ipProtocols });
    case "ApplicationRule":
      return applicationRule(r as ApplicationRule);
    case "NatRule":
      return natRule({ ...(r as NatRule), protocols: (r as NatRule).ipProtocols });
    default:
      return undefined;
  }
}

/**
 * The rule collection groups of a policy chain, base policy first (`depth` 0), as collections.
 * A filter collection holds either network or application rules; one mixing both is split.
 */
export function policyCollections(chain: Array<{ groups: FirewallPolicyRuleCollectionGroup[] }>): FirewallCollection[] {
  const out: FirewallCollection[] = [];
  chain.forEach(({ groups }, depth) => {
    for (const g of groups) {
      for (const c of g.ruleCollections ?? []) {
        const name = `${g.name ?? ""}/${c.name ?? ""}`;
        const order = [depth, g.priority ?? 65000, c.priority ?? 65000];
        const rules = ((c as { rules?: FirewallPolicyRuleUnion[] }).rules ?? []).map((r) => ({ r, input: policyRule(r) }));
        if (c.ruleCollectionType === "FirewallPolicyNatRuleCollection") {
          out.push({ type: "dnat", name, action: "allow", order, rules: rules.flatMap((x) => (x.input ? [x.input] : [])) });
          continue;
        }
        const action = (c as { action?: { type?: string } }).action?.type === "Deny" ? "deny" : "allow";
        for (const type of ["network", "application"] as const) {
          const wanted = type === "network" ? "NetworkRule" : "ApplicationRule";
          const list = rules.flatMap((x) => (x.r.ruleType === wanted && x.input ? [x.input] : []));
          if (list.length > 0) out.push({ type, name, action, order, rules: list });
        }
      }
    }
  });
  return out;
}

function compareOrder(a: FirewallCollection, b: FirewallCollection): number {
  if (a.type !== b.type) return TYPE_ORDER[a.type] - TYPE_ORDER[b.type];
  for (let i = 0; i < Math.max(a.order.length, b.order.length); i++) {
    const d = (a.order[i] ?? 0) - (b.order[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export interface FirewallRulesResult {
  rules: Rule[];
  denyRulesNotSent: string[];
  /** DNAT rules as `proto port -> address:port` (what the internet is sent to). */
  dnat: string[];
  /** Translated addresses of DNAT rules; the link step names the resources owning them. */
  dnatAddresses: string[];
}

const isAny = (peers: RulePeer[]) => peers.length === 0 || peers.some((p) => p.kind === "any");
const peerKey = (p: RulePeer) => (p.kind === "any" ? "any" : `${p.kind}:${p.value}`);

export function firewallRules(ownerUid: string, collections: FirewallCollection[]): FirewallRulesResult {
  const sorted = [...collections].sort(compareOrder);
  const out: FirewallRulesResult = { rules: [], denyRulesNotSent: [], dnat: [], dnatAddresses: [] };
  const seen = new Set<string>();
  sorted.forEach((c, rank) => {
    const priority = rank + 1;
    for (const r of c.rules) {
      if (r.translated) {
        for (const proto of r.protocols) for (const [from] of r.ports) out.dnat.push(`${proto} ${from} -> ${r.translated.address}:${r.translated.port}`.slice(0, 1024));
        if (r.translated.address) out.dnatAddresses.push(r.translated.address);
      }
      // DNAT: the translated traffic is let through at the translated port, not the public one.
      const egressPorts = r.translated ? portRanges(r.translated.port || undefined, undefined) : r.ports;
      const halves = [
        { direction: "ingress" as const, peers: r.sources, other: r.destinations, ports: r.ports },
        { direction: "egress" as const, peers: r.destinations, other: r.sources, ports: egressPorts },
      ];
      // A deny is exact when one side is "any": the other half says it all. With both sides narrow it is left out.
      if (c.action === "deny" && !isAny(r.sources) && !isAny(r.destinations)) {
        out.denyRulesNotSent.push(`${c.name}/${r.name}`);
        continue;
      }
      for (const h of halves) {
        if (c.action === "deny" && !isAny(h.other)) continue;
        const peers: RulePeer[] = h.peers.length > 0 ? h.peers : [{ kind: "any" }];
        for (const protocol of r.protocols) {
          const ranges: Array<[number, number]> = protocol === "icmp" ? [[0, 255]] : h.ports;
          for (const [fromPort, toPort] of ranges) {
            for (const peer of peers) {
              const id = `${ownerUid}#${h.direction}#${c.type}:${c.name}/${r.name}#${protocol}:${fromPort}-${toPort}#${peerKey(peer)}`;
              if (seen.has(id)) continue;
              seen.add(id);
              out.rules.push({
                id: id.slice(0, 2200),
                ownerUid,
                direction: h.direction,
                protocol,
                fromPort,
                toPort,
                peer,
                action: c.action,
                priority,
                description: `${c.type} ${c.name}/${r.name}: ${describe(r.sources)} -> ${describe(r.destinations)}`.slice(0, 1024),
              });
            }
          }
        }
      }
    }
  });
  return out;
}

function describe(peers: RulePeer[]): string {
  return peers.length === 0 ? "*" : peers.map((p) => (p.kind === "any" ? "*" : p.value)).join(",");
}
