import type { ApplicationSecurityGroup, AzureFirewall, FirewallPolicy, FirewallPolicyRuleCollectionGroup, IpGroup, NetworkSecurityGroup } from "@azure/arm-network";
import { drain, empty, network, uniq } from "../shared.js";
import { addressPeers, classicCollections, firewallRules, policyCollections } from "./firewall-rules.js";
import { nsgRules } from "./rules.js";
import { type AzureClients, type AzureFamily, armUid, azureResource, base, parentId, resourceGroupOf } from "./types.js";

export const networkSecurityGroups: AzureFamily<NetworkSecurityGroup> = {
  name: "network-security-groups",
  permissions: ["Microsoft.Network/networkSecurityGroups/read"],
  kinds: ["security_group"],
  get: (c) => drain(c.network.networkSecurityGroups.listAll()),
  transform(items, ctx) {
    const out = empty();
    for (const g of items) {
      if (!g.id) continue;
      const b = base({ ...g, id: g.id }, ctx);
      const subnets = uniq((g.subnets ?? []).map((s) => armUid(s.id)));
      // Default rules (AllowVnetInBound, DenyAllInBound... at 65000+) are sent too: they decide when nothing else matches.
      const { rules, narrowDenies } = nsgRules(b.uid, [...(g.securityRules ?? []), ...(g.defaultSecurityRules ?? [])]);
      out.resources.push(
        azureResource({
          ...b,
          kind: "security_group",
          network: network({ networks: subnets.map((s) => parentId(s)), subnets, securityGroups: [b.uid] }),
          attributes: {
            networkInterfaces: uniq((g.networkInterfaces ?? []).map((n) => armUid(n.id))),
            denyRulesNotSent: narrowDenies,
          },
        }),
      );
      out.rules.push(...rules);
    }
    return out;
  },
};

export const applicationSecurityGroups: AzureFamily<ApplicationSecurityGroup> = {
  name: "application-security-groups",
  permissions: ["Microsoft.Network/applicationSecurityGroups/read"],
  kinds: ["security_group"],
  get: (c) => drain(c.network.applicationSecurityGroups.listAll()),
  transform(items, ctx) {
    const out = empty();
    for (const g of items) {
      if (!g.id) continue;
      const b = base({ ...g, id: g.id }, ctx);
      // An ASG has no rules of its own: NSG rules name it as a peer, NICs list it as membership.
      out.resources.push(azureResource({ ...b, kind: "security_group", network: network({ securityGroups: [b.uid] }), attributes: { applicationSecurityGroup: true } }));
    }
    return out;
  },
};

export interface FirewallPolicyRead {
  policy: FirewallPolicy;
  groups: FirewallPolicyRuleCollectionGroup[];
}

export interface FirewallRead {
  firewall: AzureFirewall;
  /** The firewall's policy and its base policies, base first; undefined when they could not be read. */
  policies?: FirewallPolicyRead[];
}

/** Policy chains can cross subscriptions (a central policy); each policy is read once per run of the family. */
async function readFirewalls(c: AzureClients): Promise<FirewallRead[]> {
  const firewalls = await drain(c.network.azureFirewalls.listAll());
  const cache = new Map<string, Promise<FirewallPolicyRead>>();
  const readPolicy = (id: string) => {
    const key = id.toLowerCase();
    let p = cache.get(key);
    if (!p) {
      const subscription = /\/subscriptions\/([^/]+)/i.exec(id)?.[1] ?? "";
      const network = c.networkFor(subscription);
      const rg = resourceGroupOf(id);
      const name = id.split("/").pop() ?? "";
      p = (async () => ({ policy: await network.firewallPolicies.get(rg, name), groups: await drain(network.firewallPolicyRuleCollectionGroups.list(rg, name)) }))();
      cache.set(key, p);
    }
    return p;
  };
  const out: FirewallRead[] = [];
  let firstError: unknown;
  for (const firewall of firewalls) {
    const read: FirewallRead = { firewall };
    // A firewall whose policy could not be read is sent without rules and marked, never as "no rules".
    try {
      const chain: FirewallPolicyRead[] = [];
      const visited = new Set<string>();
      for (let id = firewall.firewallPolicy?.id; id && !visited.has(id.toLowerCase()) && chain.length < 16; ) {
        visited.add(id.toLowerCase());
        const p = await readPolicy(id);
        chain.unshift(p);
        id = p.policy.basePolicy?.id;
      }
      read.policies = chain;
    } catch (err) {
      firstError ??= err;
    }
    out.push(read);
  }
  if (firstError) throw Object.assign(firstError as object, { partialItems: out });
  return out;
}

export const azureFirewalls: AzureFamily<FirewallRead> = {
  name: "azure-firewalls",
  permissions: ["Microsoft.Network/azureFirewalls/read", "Microsoft.Network/firewallPolicies/read", "Microsoft.Network/firewallPolicies/ruleCollectionGroups/read"],
  kinds: ["firewall"],
  get: readFirewalls,
  transform(items, ctx) {
    const out = empty();
    for (const { firewall: f, policies } of items) {
      if (!f.id) continue;
      const b = base({ ...f, id: f.id }, ctx);
      const configs = f.ipConfigurations ?? [];
      const subnets = uniq(configs.map((c) => armUid(c.subnet?.id)));
      const collections = [...classicCollections(f), ...policyCollections(policies ?? [])];
      const normalized = firewallRules(b.uid, collections);
      out.resources.push(
        azureResource({
          ...b,
          kind: "firewall",
          network: network({
            networks: subnets.map((s) => parentId(s)),
            subnets,
            privateIps: [...configs.map((c) => c.privateIPAddress), f.hubIPAddresses?.privateIPAddress],
            publicIps: (f.hubIPAddresses?.publicIPs?.addresses ?? []).map((a) => a.address),
          }),
          attributes: {
            publicIpIds: uniq(configs.map((c) => armUid(c.publicIPAddress?.id))),
            firewallPolicy: armUid(f.firewallPolicy?.id) ?? null,
            basePolicies: (policies ?? []).slice(0, -1).map((p) => armUid(p.policy.id) ?? ""),
            virtualHub: armUid(f.virtualHub?.id) ?? null,
            threatIntelMode: f.threatIntelMode ?? policies?.at(-1)?.policy.threatIntelMode ?? null,
            sku: f.sku?.tier ?? null,
            // Transit rules (ingress half: sources, egress half: destinations), default deny.
            ruleSemantics: "transit",
            rulesRead: !f.firewallPolicy?.id || policies !== undefined,
            ruleCollections: collections.length,
            networkRuleCollections: collections.filter((c) => c.type === "network").length,
            denyRulesNotSent: normalized.denyRulesNotSent.slice(0, 256),
            dnat: normalized.dnat.slice(0, 256),
            dnatTargetIps: uniq(normalized.dnatAddresses).slice(0, 256),
            dnatTargets: [],
          },
        }),
      );
      out.rules.push(...normalized.rules);
    }
    return out;
  },
};

export const ipGroups: AzureFamily<IpGroup> = {
  name: "ip-groups",
  permissions: ["Microsoft.Network/ipGroups/read"],
  kinds: ["prefix_list"],
  get: (c) => drain(c.network.ipGroups.list()),
  transform(items, ctx) {
    const out = empty();
    for (const g of items) {
      if (!g.id) continue;
      const b = base({ ...g, id: g.id }, ctx);
      // Firewall rules name IP groups as prefix-list peers; the scope engine expands them from `cidrs`.
      const cidrs = addressPeers(g.ipAddresses).flatMap((p) => (p.kind === "cidr" ? [p.value] : []));
      out.resources.push(azureResource({ ...b, kind: "prefix_list", attributes: { cidrs: uniq(cidrs).slice(0, 256), entries: (g.ipAddresses ?? []).length } }));
    }
    return out;
  },
};
