import { paginateDescribeSubnets, type Subnet } from "@aws-sdk/client-ec2";
import { type AwsFamily, collect, ec2Arn, empty, nameOf, network, PAGE_SIZE, resource, tagMap, uniq } from "./types.js";

export const subnets: AwsFamily<Subnet> = {
  name: "subnets",
  action: "DescribeSubnets",
  kinds: ["subnet"],
  get: (client) => collect(paginateDescribeSubnets({ client, pageSize: PAGE_SIZE }, {}), (p) => p.Subnets),
  ownerIds: (items) => uniq(items.map((s) => s.OwnerId)),
  transform(items, ctx) {
    const out = empty();
    for (const s of items) {
      if (!s.SubnetId) continue;
      const account = s.OwnerId ?? ctx.account;
      const tags = tagMap(s.Tags);
      const uid = s.SubnetArn ?? ec2Arn(ctx, "subnet", s.SubnetId, account);
      const vpcUid = s.VpcId ? ec2Arn(ctx, "vpc", s.VpcId, account) : undefined;
      out.resources.push(
        resource({
          uid,
          account,
          region: ctx.region,
          kind: "subnet",
          name: nameOf(tags, s.SubnetId),
          tags,
          ...(vpcUid ? { parent: vpcUid } : {}),
          network: network({ networks: [vpcUid], subnets: [uid] }),
          attributes: {
            subnetId: s.SubnetId,
            cidrBlock: s.CidrBlock ?? null,
            ipv6CidrBlocks: uniq((s.Ipv6CidrBlockAssociationSet ?? []).map((a) => a.Ipv6CidrBlock)),
            availabilityZone: s.AvailabilityZone ?? null,
            mapPublicIpOnLaunch: s.MapPublicIpOnLaunch ?? false,
            defaultForAz: s.DefaultForAz ?? false,
          },
        }),
      );
    }
    return out;
  },
};
