import { paginateDescribeRouteTables, type Route as Ec2Route, type RouteTable } from "@aws-sdk/client-ec2";
import type { Route, RouteTargetKind } from "../../../../contract/index.js";
import { type AwsFamily, collect, ec2Arn, empty, nameOf, network, type RegionContext, resource, tagMap, uniq } from "./types.js";

export const routeTables: AwsFamily<RouteTable> = {
  name: "route-tables",
  action: "DescribeRouteTables",
  kinds: ["route_table"],
  get: (client) => collect(paginateDescribeRouteTables({ client, pageSize: 100 }, {}), (p) => p.RouteTables),
  ownerIds: (items) => uniq(items.map((t) => t.OwnerId)),
  transform(items, ctx) {
    const out = empty();
    for (const t of items) {
      if (!t.RouteTableId) continue;
      const account = t.OwnerId ?? ctx.account;
      const c = { ...ctx, account };
      const tags = tagMap(t.Tags);
      const uid = ec2Arn(c, "route-table", t.RouteTableId);
      const vpcUid = t.VpcId ? ec2Arn(c, "vpc", t.VpcId) : undefined;
      const assoc = t.Associations ?? [];
      out.resources.push(
        resource({
          uid,
          account,
          region: ctx.region,
          kind: "route_table",
          name: nameOf(tags, t.RouteTableId),
          tags,
          ...(vpcUid ? { parent: vpcUid } : {}),
          network: network({ networks: [vpcUid], subnets: assoc.map((a) => (a.SubnetId ? ec2Arn(c, "subnet", a.SubnetId) : undefined)) }),
          attributes: {
            routeTableId: t.RouteTableId,
            main: assoc.some((a) => a.Main === true),
            associatedGateways: uniq(assoc.map((a) => a.GatewayId)),
          },
        }),
      );
      const seen = new Set<string>();
      for (const r of t.Routes ?? []) {
        const route = toRoute(uid, r, c);
        if (!route || seen.has(route.id)) continue;
        seen.add(route.id);
        out.routes.push(route);
      }
    }
    return out;
  },
};

/** One EC2 route → contract Route; undefined for an entry without a destination. */
export function toRoute(tableUid: string, r: Ec2Route, ctx: RegionContext): Route | undefined {
  const destination = r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId;
  if (!destination) return undefined;
  return {
    id: `${tableUid}#${destination}`,
    tableUid,
    destination,
    target: routeTarget(r, ctx),
    state: r.State === "blackhole" ? "blackhole" : "active",
  };
}

export function routeTarget(r: Ec2Route, ctx: RegionContext): { kind: RouteTargetKind; uid?: string } {
  const arn = (type: string, id: string) => ec2Arn(ctx, type, id);
  const gw = r.GatewayId;
  if (gw === "local") return { kind: "local" };
  if (gw?.startsWith("igw-")) return { kind: "internet_gateway", uid: arn("internet-gateway", gw) };
  if (gw?.startsWith("vgw-")) return { kind: "vpn_gateway", uid: arn("vpn-gateway", gw) };
  if (gw?.startsWith("vpce-")) return { kind: "endpoint", uid: arn("vpc-endpoint", gw) };
  if (r.NatGatewayId) return { kind: "nat_gateway", uid: arn("natgateway", r.NatGatewayId) };
  if (r.VpcPeeringConnectionId) return { kind: "peering", uid: arn("vpc-peering-connection", r.VpcPeeringConnectionId) };
  if (r.TransitGatewayId) return { kind: "transit_gateway", uid: arn("transit-gateway", r.TransitGatewayId) };
  if (r.InstanceId) return { kind: "instance", uid: arn("instance", r.InstanceId) };
  if (r.NetworkInterfaceId) return { kind: "nic", uid: arn("network-interface", r.NetworkInterfaceId) };
  if (r.EgressOnlyInternetGatewayId) return { kind: "other", uid: arn("egress-only-internet-gateway", r.EgressOnlyInternetGatewayId) };
  if (r.CarrierGatewayId) return { kind: "other", uid: arn("carrier-gateway", r.CarrierGatewayId) };
  if (r.LocalGatewayId) return { kind: "other", uid: arn("local-gateway", r.LocalGatewayId) };
  if (r.CoreNetworkArn) return { kind: "other", uid: r.CoreNetworkArn };
  if (r.State === "blackhole") return { kind: "blackhole" };
  return gw ? { kind: "other", uid: arn("gateway", gw) } : { kind: "other" };
}
