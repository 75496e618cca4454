import { paginateDescribeVpcs, type Vpc } from "@aws-sdk/client-ec2";
import { type AwsFamily, collect, ec2Arn, empty, nameOf, network, PAGE_SIZE, resource, tagMap, uniq } from "./types.js";

export const vpcs: AwsFamily<Vpc> = {
  name: "vpcs",
  action: "DescribeVpcs",
  kinds: ["network"],
  get: (client) => collect(paginateDescribeVpcs({ client, pageSize: PAGE_SIZE }, {}), (p) => p.Vpcs),
  ownerIds: (items) => uniq(items.map((v) => v.OwnerId)),
  transform(items, ctx) {
    const out = empty();
    for (const v of items) {
      if (!v.VpcId) continue;
      const tags = tagMap(v.Tags);
      const uid = ec2Arn(ctx, "vpc", v.VpcId, v.OwnerId ?? ctx.account);
      out.resources.push(
        resource({
          uid,
          account: v.OwnerId ?? ctx.account,
          region: ctx.region,
          kind: "network",
          name: nameOf(tags, v.VpcId),
          tags,
          network: network({ networks: [uid] }),
          attributes: {
            vpcId: v.VpcId,
            cidrBlock: v.CidrBlock ?? null,
            cidrBlocks: uniq([v.CidrBlock, ...(v.CidrBlockAssociationSet ?? []).map((a) => a.CidrBlock)]),
            ipv6CidrBlocks: uniq((v.Ipv6CidrBlockAssociationSet ?? []).map((a) => a.Ipv6CidrBlock)),
            isDefault: v.IsDefault ?? false,
            state: v.State ?? null,
          },
        }),
      );
    }
    return out;
  },
};
