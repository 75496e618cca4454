import type { protos } from "@google-cloud/compute";
import type { Route, RouteTargetKind } from "../../../../contract/index.js";
import { drain, empty, network, uniq } from "../shared.js";
import { drainAggregated, type GcpFamily, gcpResource, gcpUid, lastSegment, regionOf, NO_AUTOPAGINATE } from "./types.js";

type INetwork = protos.google.cloud.compute.v1.INetwork;
type ISubnetwork = protos.google.cloud.compute.v1.ISubnetwork;
type IRoute = protos.google.cloud.compute.v1.IRoute;

/** A network's routes form one table, the network's "main" one (GCP has no per-subnet tables). */
export function routeTableOf(networkUid: string): string {
  return `${networkUid}#routes`;
}

export const networks: GcpFamily<INetwork> = {
  name: "networks",
  permissions: ["compute.networks.list"],
  kinds: ["network", "peering"],
  get: (c, project) => drain(c.networks.listAsync({ project, maxResults: 500 }, NO_AUTOPAGINATE)),
  transform(items, ctx) {
    const out = empty();
    for (const n of items) {
      const uid = gcpUid(n.selfLink);
      if (!uid) continue;
      out.resources.push(
        gcpResource({
          uid,
          account: ctx.project,
          region: "global",
          kind: "network",
          name: (n.name ?? "").slice(0, 512),
          network: network({ networks: [uid] }),
          attributes: { autoCreateSubnetworks: n.autoCreateSubnetworks ?? false, routingMode: n.routingConfig?.routingMode ?? null, mtu: n.mtu ?? null },
        }),
      );
      out.resources.push(
        gcpResource({
          uid: routeTableOf(uid),
          account: ctx.project,
          region: "global",
          kind: "route_table",
          name: `${n.name ?? ""} routes`.slice(0, 512),
          parent: uid,
          network: network({ networks: [uid] }),
          attributes: { main: true },
        }),
      );
      for (const p of n.peerings ?? []) {
        const remote = gcpUid(p.network);
        out.resources.push(
          gcpResource({
            uid: `${uid}#peering:${p.name}`,
            account: ctx.project,
            region: "global",
            kind: "peering",
            name: (p.name ?? "").slice(0, 512),
            parent: uid,
            network: network({ networks: [uid, remote] }),
            attributes: {
              requesterVpc: uid,
              accepterVpc: remote ?? null,
              status: p.state ?? null,
              exportCustomRoutes: p.exportCustomRoutes ?? false,
              importCustomRoutes: p.importCustomRoutes ?? false,
            },
          }),
        );
      }
    }
    return out;
  },
};

export const subnetworks: GcpFamily<ISubnetwork> = {
  name: "subnetworks",
  permissions: ["compute.subnetworks.list"],
  kinds: ["subnet"],
  get: (c, project) => drainAggregated(c.subnetworks.aggregatedListAsync({ project, maxResults: 500 }, NO_AUTOPAGINATE) as AsyncIterable<[string, Record<string, unknown>]>, "subnetworks"),
  transform(items, ctx) {
    const out = empty();
    for (const s of items) {
      const uid = gcpUid(s.selfLink);
      if (!uid) continue;
      const net = gcpUid(s.network);
      out.resources.push(
        gcpResource({
          uid,
          account: ctx.project,
          region: regionOf(s.region),
          kind: "subnet",
          name: (s.name ?? "").slice(0, 512),
          ...(net ? { parent: net } : {}),
          network: network({ networks: [net], subnets: [uid] }),
          attributes: {
            ipCidrRange: s.ipCidrRange ?? null,
            cidrBlock: s.ipCidrRange ?? null,
            secondaryRanges: uniq((s.secondaryIpRanges ?? []).map((r) => r.ipCidrRange ?? undefined)),
            privateIpGoogleAccess: s.privateIpGoogleAccess ?? false,
            purpose: s.purpose ?? null,
            flowLogs: s.logConfig?.enable ?? s.enableFlowLogs ?? false,
          },
        }),
      );
    }
    return out;
  },
};

function nextHop(r: IRoute): { kind: RouteTargetKind; uid?: string } {
  if (r.nextHopGateway) return lastSegment(r.nextHopGateway) === "default-internet-gateway" ? { kind: "internet_gateway" } : { kind: "other" };
  if (r.nextHopNetwork) return { kind: "local" };
  if (r.nextHopPeering) return { kind: "peering", uid: `${gcpUid(r.network)}#peering:${r.nextHopPeering}` };
  if (r.nextHopInstance) return { kind: "instance", uid: gcpUid(r.nextHopInstance) };
  if (r.nextHopIlb) return { kind: "other", ...(r.nextHopIlb.includes("/") ? { uid: gcpUid(r.nextHopIlb) } : { uid: `ip:${r.nextHopIlb}` }) };
  if (r.nextHopIp) return { kind: "virtual_appliance", uid: `ip:${r.nextHopIp}` };
  if (r.nextHopVpnTunnel) return { kind: "vpn_gateway", uid: gcpUid(r.nextHopVpnTunnel) };
  return { kind: "other" };
}

export const routes: GcpFamily<IRoute> = {
  name: "routes",
  permissions: ["compute.routes.list"],
  kinds: ["route_table"],
  get: (c, project) => drain(c.routes.listAsync({ project, maxResults: 500 }, NO_AUTOPAGINATE)),
  transform(items) {
    const out = empty();
    for (const r of items) {
      const net = gcpUid(r.network);
      if (!net || !r.destRange) continue;
      const target = nextHop(r);
      const route: Route = {
        id: `${routeTableOf(net)}#${r.name}`,
        tableUid: routeTableOf(net),
        destination: r.destRange,
        target: target.uid ? target : { kind: target.kind },
        state: "active",
      };
      out.routes.push(route);
    }
    return out;
  },
};
