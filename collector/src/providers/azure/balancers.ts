import type { ApplicationGateway, LoadBalancer } from "@azure/arm-network";
import { drain, empty, network, uniq } from "../shared.js";
import { type AzureFamily, armUid, azureResource, base, parentId } from "./types.js";

/** A backend IP configuration (`.../networkInterfaces/nic/ipConfigurations/x`) → the NIC's uid. */
function nicOf(ipConfigId: string | undefined): string | undefined {
  return ipConfigId && /\/networkInterfaces\//i.test(ipConfigId) ? armUid(parentId(ipConfigId)) : undefined;
}

export const loadBalancers: AzureFamily<LoadBalancer> = {
  name: "load-balancers",
  permissions: ["Microsoft.Network/loadBalancers/read"],
  kinds: ["load_balancer"],
  get: (c) => drain(c.network.loadBalancers.listAll()),
  transform(items, ctx) {
    const out = empty();
    for (const lb of items) {
      if (!lb.id) continue;
      const b = base({ ...lb, id: lb.id }, ctx);
      const fronts = lb.frontendIPConfigurations ?? [];
      const subnets = uniq(fronts.map((f) => armUid(f.subnet?.id)));
      const publicIpIds = uniq(fronts.map((f) => armUid(f.publicIPAddress?.id)));
      out.resources.push(
        azureResource({
          ...b,
          kind: "load_balancer",
          network: network({ networks: subnets.map((s) => parentId(s)), subnets, privateIps: fronts.map((f) => f.privateIPAddress) }),
          attributes: {
            scheme: publicIpIds.length > 0 ? "internet-facing" : "internal",
            internetFacing: publicIpIds.length > 0,
            publicIpIds,
            // NICs in the backend pools and behind inbound NAT rules (a public port straight to one VM); the link step turns them into their VMs.
            targetNics: uniq([
              ...(lb.backendAddressPools ?? []).flatMap((p) => (p.backendIPConfigurations ?? []).map((c) => nicOf(c.id))),
              ...(lb.inboundNatRules ?? []).map((r) => nicOf(r.backendIPConfiguration?.id)),
            ]),
            targetIps: uniq((lb.backendAddressPools ?? []).flatMap((p) => (p.loadBalancerBackendAddresses ?? []).map((a) => a.ipAddress))),
            targets: [],
            ports: uniq((lb.loadBalancingRules ?? []).map((r) => (r.frontendPort !== undefined ? `${r.protocol ?? "All"}/${r.frontendPort}->${r.backendPort ?? r.frontendPort}` : undefined))),
            natPorts: uniq((lb.inboundNatRules ?? []).map((r) => (r.frontendPort !== undefined ? `${r.protocol ?? "All"}/${r.frontendPort}->${r.backendPort ?? r.frontendPort}` : undefined))),
            sku: lb.sku?.name ?? null,
          },
        }),
      );
    }
    return out;
  },
};

export const applicationGateways: AzureFamily<ApplicationGateway> = {
  name: "application-gateways",
  permissions: ["Microsoft.Network/applicationGateways/read"],
  kinds: ["load_balancer"],
  get: (c) => drain(c.network.applicationGateways.listAll()),
  transform(items, ctx) {
    const out = empty();
    for (const g of items) {
      if (!g.id) continue;
      const b = base({ ...g, id: g.id }, ctx);
      const fronts = g.frontendIPConfigurations ?? [];
      const subnets = uniq([...(g.gatewayIPConfigurations ?? []).map((c) => armUid(c.subnet?.id)), ...fronts.map((f) => armUid(f.subnet?.id))]);
      const publicIpIds = uniq(fronts.map((f) => armUid(f.publicIPAddress?.id)));
      const pools = g.backendAddressPools ?? [];
      out.resources.push(
        azureResource({
          ...b,
          kind: "load_balancer",
          network: network({ networks: subnets.map((s) => parentId(s)), subnets, privateIps: fronts.map((f) => f.privateIPAddress) }),
          attributes: {
            applicationGateway: true,
            scheme: publicIpIds.length > 0 ? "internet-facing" : "internal",
            internetFacing: publicIpIds.length > 0,
            publicIpIds,
            targetNics: uniq(pools.flatMap((p) => (p.backendIPConfigurations ?? []).map((c) => nicOf(c.id)))),
            targetIps: uniq(pools.flatMap((p) => (p.backendAddresses ?? []).map((a) => a.ipAddress))),
            targetFqdns: uniq(pools.flatMap((p) => (p.backendAddresses ?? []).map((a) => a.fqdn))),
            targets: [],
            wafEnabled: g.webApplicationFirewallConfiguration?.enabled ?? !!g.firewallPolicy,
            sku: g.sku?.name ?? null,
          },
        }),
      );
    }
    return out;
  },
};
