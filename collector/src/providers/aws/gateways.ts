import { type InternetGateway, type NatGateway, paginateDescribeInternetGateways, paginateDescribeNatGateways } from "@aws-sdk/client-ec2";
import { type AwsFamily, collect, ec2Arn, empty, nameOf, network, PAGE_SIZE, resource, tagMap, uniq } from "./types.js";

export const internetGateways: AwsFamily<InternetGateway> = {
  name: "internet-gateways",
  action: "DescribeInternetGateways",
  kinds: ["gateway"],
  get: (client) => collect(paginateDescribeInternetGateways({ client, pageSize: PAGE_SIZE }, {}), (p) => p.InternetGateways),
  ownerIds: (items) => uniq(items.map((g) => g.OwnerId)),
  transform(items, ctx) {
    const out = empty();
    for (const g of items) {
      if (!g.InternetGatewayId) continue;
      const account = g.OwnerId ?? ctx.account;
      const tags = tagMap(g.Tags);
      out.resources.push(
        resource({
          uid: ec2Arn(ctx, "internet-gateway", g.InternetGatewayId, account),
          account,
          region: ctx.region,
          kind: "gateway",
          name: nameOf(tags, g.InternetGatewayId),
          tags,
          network: network({ networks: (g.Attachments ?? []).map((a) => (a.VpcId ? ec2Arn(ctx, "vpc", a.VpcId, account) : undefined)) }),
          attributes: { gatewayType: "internet", internetGatewayId: g.InternetGatewayId },
        }),
      );
    }
    return out;
  },
};

export const natGateways: AwsFamily<NatGateway> = {
  name: "nat-gateways",
  action: "DescribeNatGateways",
  kinds: ["gateway"],
  get: (client) => collect(paginateDescribeNatGateways({ client, pageSize: PAGE_SIZE }, {}), (p) => p.NatGateways),
  // NAT gateways carry no owner id: the account comes from the region's other resources.
  ownerIds: () => [],
  transform(items, ctx) {
    const out = empty();
    for (const g of items) {
      if (!g.NatGatewayId || g.State === "deleted") continue;
      const tags = tagMap(g.Tags);
      const addrs = g.NatGatewayAddresses ?? [];
      out.resources.push(
        resource({
          uid: ec2Arn(ctx, "natgateway", g.NatGatewayId),
          account: ctx.account,
          region: ctx.region,
          kind: "gateway",
          name: nameOf(tags, g.NatGatewayId),
          tags,
          ...(g.VpcId ? { parent: ec2Arn(ctx, "vpc", g.VpcId) } : {}),
          network: network({
            networks: [g.VpcId ? ec2Arn(ctx, "vpc", g.VpcId) : undefined],
            subnets: [g.SubnetId ? ec2Arn(ctx, "subnet", g.SubnetId) : undefined],
            privateIps: addrs.map((a) => a.PrivateIp),
            publicIps: addrs.map((a) => a.PublicIp),
          }),
          attributes: {
            gatewayType: "nat",
            natGatewayId: g.NatGatewayId,
            connectivityType: g.ConnectivityType ?? null,
            state: g.State ?? null,
            networkInterfaces: uniq(addrs.map((a) => (a.NetworkInterfaceId ? ec2Arn(ctx, "network-interface", a.NetworkInterfaceId) : undefined))),
          },
        }),
      );
    }
    return out;
  },
};
