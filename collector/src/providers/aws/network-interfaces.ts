import { paginateDescribeNetworkInterfaces, type NetworkInterface } from "@aws-sdk/client-ec2";
import { type AwsFamily, collect, ec2Arn, empty, nameOf, network, PAGE_SIZE, resource, tagMap, uniq } from "./types.js";

export const networkInterfaces: AwsFamily<NetworkInterface> = {
  name: "network-interfaces",
  action: "DescribeNetworkInterfaces",
  kinds: ["nic"],
  get: (client) => collect(paginateDescribeNetworkInterfaces({ client, pageSize: PAGE_SIZE }, {}), (p) => p.NetworkInterfaces),
  ownerIds: (items) => uniq(items.map((n) => n.OwnerId)),
  transform(items, ctx) {
    const out = empty();
    for (const n of items) {
      if (!n.NetworkInterfaceId) continue;
      const account = n.OwnerId ?? ctx.account;
      const tags = tagMap(n.TagSet);
      const uid = ec2Arn(ctx, "network-interface", n.NetworkInterfaceId, account);
      const instanceUid = n.Attachment?.InstanceId ? ec2Arn(ctx, "instance", n.Attachment.InstanceId, n.Attachment.InstanceOwnerId?.match(/^\d{12}$/) ? n.Attachment.InstanceOwnerId : account) : undefined;
      out.resources.push(
        resource({
          uid,
          account,
          region: ctx.region,
          kind: "nic",
          name: nameOf(tags, n.NetworkInterfaceId),
          tags,
          ...(instanceUid ? { parent: instanceUid } : {}),
          network: network({
            networks: [n.VpcId ? ec2Arn(ctx, "vpc", n.VpcId, account) : undefined],
            subnets: [n.SubnetId ? ec2Arn(ctx, "subnet", n.SubnetId, account) : undefined],
            securityGroups: (n.Groups ?? []).map((g) => (g.GroupId ? ec2Arn(ctx, "security-group", g.GroupId, account) : undefined)),
            privateIps: [
              n.PrivateIpAddress,
              ...(n.PrivateIpAddresses ?? []).map((p) => p.PrivateIpAddress),
              ...(n.Ipv6Addresses ?? []).map((a) => a.Ipv6Address),
            ],
            publicIps: [n.Association?.PublicIp, ...(n.PrivateIpAddresses ?? []).map((p) => p.Association?.PublicIp)],
          }),
          attributes: {
            networkInterfaceId: n.NetworkInterfaceId,
            interfaceType: n.InterfaceType ?? null,
            status: n.Status ?? null,
            description: (n.Description ?? "").slice(0, 1024),
            requesterManaged: n.RequesterManaged ?? false,
            requesterId: n.RequesterId ?? null,
            attachedInstanceId: n.Attachment?.InstanceId ?? null,
            availabilityZone: n.AvailabilityZone ?? null,
            sourceDestCheck: n.SourceDestCheck ?? true,
          },
        }),
      );
    }
    return out;
  },
};
