import { type NetworkAcl, paginateDescribeNetworkAcls } from "@aws-sdk/client-ec2";
import type { Rule } from "../../../../contract/index.js";
import { protocolAndPorts } from "./security-groups.js";
import { type AwsFamily, collect, ec2Arn, empty, nameOf, network, PAGE_SIZE, resource, tagMap, uniq } from "./types.js";

export const networkAcls: AwsFamily<NetworkAcl> = {
  name: "network-acls",
  action: "DescribeNetworkAcls",
  kinds: ["network_acl"],
  get: (client) => collect(paginateDescribeNetworkAcls({ client, pageSize: PAGE_SIZE }, {}), (p) => p.NetworkAcls),
  ownerIds: (items) => uniq(items.map((a) => a.OwnerId)),
  transform(items, ctx) {
    const out = empty();
    for (const acl of items) {
      if (!acl.NetworkAclId) continue;
      const account = acl.OwnerId ?? ctx.account;
      const tags = tagMap(acl.Tags);
      const uid = ec2Arn(ctx, "network-acl", acl.NetworkAclId, account);
      const vpcUid = acl.VpcId ? ec2Arn(ctx, "vpc", acl.VpcId, account) : undefined;
      out.resources.push(
        resource({
          uid,
          account,
          region: ctx.region,
          kind: "network_acl",
          name: nameOf(tags, acl.NetworkAclId),
          tags,
          ...(vpcUid ? { parent: vpcUid } : {}),
          network: network({
            networks: [vpcUid],
            subnets: (acl.Associations ?? []).map((a) => (a.SubnetId ? ec2Arn(ctx, "subnet", a.SubnetId, account) : undefined)),
          }),
          attributes: { networkAclId: acl.NetworkAclId, isDefault: acl.IsDefault ?? false },
        }),
      );
      for (const e of acl.Entries ?? []) {
        const cidr = e.CidrBlock ?? e.Ipv6CidrBlock;
        if (e.RuleNumber === undefined || !cidr) continue;
        const direction = e.Egress ? "egress" : "ingress";
        const ports = protocolAndPorts({
          IpProtocol: e.Protocol,
          FromPort: e.IcmpTypeCode ? e.IcmpTypeCode.Type : e.PortRange?.From,
          ToPort: e.IcmpTypeCode ? e.IcmpTypeCode.Type : e.PortRange?.To,
        });
        const rule: Rule = {
          // Two entries can share a number across address families (v4 and v6).
          id: `${uid}#${direction}#${e.RuleNumber}#${cidr}`,
          ownerUid: uid,
          direction,
          ...ports,
          peer: { kind: "cidr", value: cidr },
          action: e.RuleAction === "deny" ? "deny" : "allow",
          priority: Math.min(e.RuleNumber, 1_000_000),
        };
        out.rules.push(rule);
      }
    }
    return out;
  },
};
