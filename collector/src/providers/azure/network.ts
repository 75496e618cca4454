import type { NetworkInterface, PublicIPAddress, RouteTable, VirtualNetwork } from "@azure/arm-network";
import type { Route, RouteTargetKind } from "../../../../contract/index.js";
import { drain, empty, network, uniq } from "../shared.js";
import { type AzureFamily, armUid, azureResource, base, parentId } from "./types.js";

export const virtualNetworks: AzureFamily<VirtualNetwork> = {
  name: "virtual-networks",
  permissions: ["Microsoft.Network/virtualNetworks/read"],
  kinds: ["network", "subnet", "peering"],
  get: (c) => drain(c.network.virtualNetworks.listAll()),
  transform(items, ctx) {
    const out = empty();
    for (const v of items) {
      if (!v.id) continue;
      const b = base({ ...v, id: v.id }, ctx);
      const prefixes = v.addressSpace?.addressPrefixes ?? [];
      out.resources.push(
        azureResource({
          ...b,
          kind: "network",
          network: network({ networks: [b.uid] }),
          attributes: { cidrBlocks: prefixes, addressPrefixes: prefixes, resourceGroup: rg(v.id) },
        }),
      );
      for (const s of v.subnets ?? []) {
        if (!s.id) continue;
        const prefix = s.addressPrefix ?? s.addressPrefixes?.[0] ?? null;
        out.resources.push(
          azureResource({
            uid: armUid(s.id),
            account: ctx.subscription,
            region: b.region,
            kind: "subnet",
            name: (s.name ?? "").slice(0, 512),
            parent: b.uid,
            network: network({ networks: [b.uid], subnets: [armUid(s.id)] }),
            attributes: {
              addressPrefix: prefix,
              cidrBlock: prefix,
              addressPrefixes: uniq([s.addressPrefix, ...(s.addressPrefixes ?? [])]),
              networkSecurityGroup: armUid(s.networkSecurityGroup?.id) ?? null,
              routeTable: armUid(s.routeTable?.id) ?? null,
            },
          }),
        );
      }
      for (const p of v.virtualNetworkPeerings ?? []) {
        if (!p.id) continue;
        const remote = armUid(p.remoteVirtualNetwork?.id);
        out.resources.push(
          azureResource({
            uid: armUid(p.id),
            account: ctx.subscription,
            region: b.region,
            kind: "peering",
            name: (p.name ?? "").slice(0, 512),
            parent: b.uid,
            network: network({ networks: [b.uid, remote] }),
            attributes: {
              requesterVpc: b.uid,
              accepterVpc: remote ?? null,
              status: p.peeringState ?? null,
              allowForwardedTraffic: p.allowForwardedTraffic ?? false,
              allowGatewayTransit: p.allowGatewayTransit ?? false,
              useRemoteGateways: p.useRemoteGateways ?? false,
              remoteAddressPrefixes: p.remoteAddressSpace?.addressPrefixes ?? [],
            },
          }),
        );
      }
    }
    return out;
  },
};

const NEXT_HOP: Record<string, RouteTargetKind> = {
  vnetlocal: "local",
  internet: "internet_gateway",
  virtualappliance: "virtual_appliance",
  virtualnetworkgateway: "vpn_gateway",
  none: "blackhole",
};

export const routeTables: AzureFamily<RouteTable> = {
  name: "route-tables",
  permissions: ["Microsoft.Network/routeTables/read"],
  kinds: ["route_table"],
  get: (c) => drain(c.network.routeTables.listAll()),
  transform(items, ctx) {
    const out = empty();
    for (const t of items) {
      if (!t.id) continue;
      const b = base({ ...t, id: t.id }, ctx);
      const subnets = uniq((t.subnets ?? []).map((s) => armUid(s.id)));
      out.resources.push(
        azureResource({
          ...b,
          kind: "route_table",
          network: network({ networks: subnets.map((s) => parentId(s)), subnets }),
          attributes: { disableBgpRoutePropagation: t.disableBgpRoutePropagation ?? false, resourceGroup: rg(t.id) },
        }),
      );
      for (const r of t.routes ?? []) {
        if (!r.addressPrefix || !r.nextHopType) continue;
        const kind = NEXT_HOP[r.nextHopType.toLowerCase()] ?? "other";
        const route: Route = {
          id: `${b.uid}#${r.addressPrefix}`,
          tableUid: b.uid,
          destination: r.addressPrefix,
          // A virtual appliance is named by address; the link step swaps in the uid owning that address.
          target: r.nextHopIpAddress ? { kind, uid: `ip:${r.nextHopIpAddress}` } : { kind },
          state: kind === "blackhole" ? "blackhole" : "active",
        };
        out.routes.push(route);
      }
    }
    return out;
  },
};

export const publicIpAddresses: AzureFamily<PublicIPAddress> = {
  name: "public-ip-addresses",
  permissions: ["Microsoft.Network/publicIPAddresses/read"],
  kinds: ["public_ip"],
  get: (c) => drain(c.network.publicIPAddresses.listAll()),
  transform(items, ctx) {
    const out = empty();
    for (const p of items) {
      if (!p.id) continue;
      const b = base({ ...p, id: p.id }, ctx);
      // ipConfiguration: .../networkInterfaces/nic/ipConfigurations/x, or a load balancer's frontend.
      const owner = p.ipConfiguration?.id ? armUid(parentId(p.ipConfiguration.id)) : undefined;
      out.resources.push(
        azureResource({
          ...b,
          kind: "public_ip",
          ...(owner ? { parent: owner } : {}),
          network: network({ publicIps: [p.ipAddress] }),
          attributes: { ipAddress: p.ipAddress ?? null, allocation: p.publicIPAllocationMethod ?? null, sku: p.sku?.name ?? null },
        }),
      );
    }
    return out;
  },
};

export const networkInterfaces: AzureFamily<NetworkInterface> = {
  name: "network-interfaces",
  permissions: ["Microsoft.Network/networkInterfaces/read"],
  kinds: ["nic"],
  get: (c) => drain(c.network.networkInterfaces.listAll()),
  transform(items, ctx) {
    const out = empty();
    for (const n of items) {
      if (!n.id) continue;
      const b = base({ ...n, id: n.id }, ctx);
      const configs = n.ipConfigurations ?? [];
      const subnets = uniq(configs.map((c) => armUid(c.subnet?.id)));
      const vm = armUid(n.virtualMachine?.id);
      out.resources.push(
        azureResource({
          ...b,
          kind: "nic",
          ...(vm ? { parent: vm } : {}),
          network: network({
            networks: subnets.map((s) => parentId(s)),
            subnets,
            securityGroups: [armUid(n.networkSecurityGroup?.id), ...configs.flatMap((c) => (c.applicationSecurityGroups ?? []).map((g) => armUid(g.id)))],
            privateIps: configs.map((c) => c.privateIPAddress),
            publicIps: configs.map((c) => c.publicIPAddress?.ipAddress),
          }),
          attributes: {
            publicIpIds: uniq(configs.map((c) => armUid(c.publicIPAddress?.id))),
            ipForwarding: n.enableIPForwarding ?? false,
            virtualMachine: vm ?? null,
          },
        }),
      );
    }
    return out;
  },
};

function rg(id: string): string {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? "";
}
