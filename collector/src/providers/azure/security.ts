import type { ApplicationSecurityGroup, AzureFirewall, NetworkSecurityGroup } from "@azure/arm-network";
import { drain, empty, network, uniq } from "../shared.js";
import { nsgRules } from "./rules.js";
import { type AzureFamily, armUid, azureResource, base, parentId } from "./types.js";

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

export const azureFirewalls: AzureFamily<AzureFirewall> = {
  name: "azure-firewalls",
  permissions: ["Microsoft.Network/azureFirewalls/read"],
  kinds: ["firewall"],
  get: (c) => drain(c.network.azureFirewalls.listAll()),
  transform(items, ctx) {
    const out = empty();
    for (const f of items) {
      if (!f.id) continue;
      const b = base({ ...f, id: f.id }, ctx);
      const configs = f.ipConfigurations ?? [];
      const subnets = uniq(configs.map((c) => armUid(c.subnet?.id)));
      out.resources.push(
        azureResource({
          ...b,
          kind: "firewall",
          network: network({ networks: subnets.map((s) => parentId(s)), subnets, privateIps: configs.map((c) => c.privateIPAddress) }),
          attributes: {
            publicIpIds: uniq(configs.map((c) => armUid(c.publicIPAddress?.id))),
            firewallPolicy: armUid(f.firewallPolicy?.id) ?? null,
            threatIntelMode: f.threatIntelMode ?? null,
            sku: f.sku?.tier ?? null,
            networkRuleCollections: (f.networkRuleCollections ?? []).length,
          },
        }),
      );
    }
    return out;
  },
};
