import { paginateDescribeVpcPeeringConnections, type VpcPeeringConnection } from "@aws-sdk/client-ec2";
import { type AwsFamily, collect, ec2Arn, empty, nameOf, network, PAGE_SIZE, resource, tagMap, uniq } from "./types.js";

export const vpcPeerings: AwsFamily<VpcPeeringConnection> = {
  name: "vpc-peerings",
  action: "DescribeVpcPeeringConnections",
  kinds: ["peering"],
  get: (client) => collect(paginateDescribeVpcPeeringConnections({ client, pageSize: PAGE_SIZE }, {}), (p) => p.VpcPeeringConnections),
  ownerIds: () => [],
  transform(items, ctx) {
    const out = empty();
    for (const p of items) {
      if (!p.VpcPeeringConnectionId) continue;
      const status = p.Status?.Code ?? null;
      if (status === "deleted" || status === "rejected" || status === "expired" || status === "failed") continue;
      const tags = tagMap(p.Tags);
      const req = p.RequesterVpcInfo;
      const acc = p.AccepterVpcInfo;
      const side = (info: typeof req) =>
        info?.VpcId ? ec2Arn({ region: info.Region ?? ctx.region, account: info.OwnerId ?? ctx.account }, "vpc", info.VpcId) : undefined;
      const requesterAccount = req?.OwnerId ?? ctx.account;
      out.resources.push(
        resource({
          uid: ec2Arn({ region: req?.Region ?? ctx.region, account: requesterAccount }, "vpc-peering-connection", p.VpcPeeringConnectionId),
          account: requesterAccount,
          region: req?.Region ?? ctx.region,
          kind: "peering",
          name: nameOf(tags, p.VpcPeeringConnectionId),
          tags,
          network: network({ networks: [side(req), side(acc)] }),
          attributes: {
            vpcPeeringConnectionId: p.VpcPeeringConnectionId,
            status,
            requesterVpc: side(req) ?? null,
            accepterVpc: side(acc) ?? null,
            requesterCidrs: uniq([req?.CidrBlock, ...(req?.CidrBlockSet ?? []).map((c) => c.CidrBlock)]),
            accepterCidrs: uniq([acc?.CidrBlock, ...(acc?.CidrBlockSet ?? []).map((c) => c.CidrBlock)]),
          },
        }),
      );
    }
    return out;
  },
};
