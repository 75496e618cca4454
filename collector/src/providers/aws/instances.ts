import { type Instance, paginateDescribeInstances } from "@aws-sdk/client-ec2";
import { type AwsFamily, collect, ec2Arn, empty, nameOf, network, PAGE_SIZE, resource, tagMap, uniq } from "./types.js";

/** Instances come wrapped in reservations; the reservation carries the owner account. */
export interface OwnedInstance {
  ownerId?: string | undefined;
  instance: Instance;
}

export const instances: AwsFamily<OwnedInstance> = {
  name: "instances",
  action: "DescribeInstances",
  kinds: ["instance"],
  get: (client) =>
    collect(paginateDescribeInstances({ client, pageSize: PAGE_SIZE }, {}), (p) =>
      (p.Reservations ?? []).flatMap((r) => (r.Instances ?? []).map((instance) => ({ ownerId: r.OwnerId, instance }))),
    ),
  ownerIds: (items) => uniq(items.map((i) => i.ownerId)),
  transform(items, ctx) {
    const out = empty();
    for (const { ownerId, instance: i } of items) {
      if (!i.InstanceId) continue;
      const account = ownerId ?? ctx.account;
      const tags = tagMap(i.Tags);
      const nics = i.NetworkInterfaces ?? [];
      out.resources.push(
        resource({
          uid: ec2Arn(ctx, "instance", i.InstanceId, account),
          account,
          region: ctx.region,
          kind: "instance",
          name: nameOf(tags, i.InstanceId),
          tags,
          network: network({
            networks: [i.VpcId, ...nics.map((n) => n.VpcId)].map((v) => (v ? ec2Arn(ctx, "vpc", v, account) : undefined)),
            subnets: [i.SubnetId, ...nics.map((n) => n.SubnetId)].map((s) => (s ? ec2Arn(ctx, "subnet", s, account) : undefined)),
            securityGroups: [...(i.SecurityGroups ?? []), ...nics.flatMap((n) => n.Groups ?? [])].map((g) =>
              g.GroupId ? ec2Arn(ctx, "security-group", g.GroupId, account) : undefined,
            ),
            privateIps: [
              i.PrivateIpAddress,
              ...nics.flatMap((n) => (n.PrivateIpAddresses ?? []).map((p) => p.PrivateIpAddress)),
              ...nics.flatMap((n) => (n.Ipv6Addresses ?? []).map((a) => a.Ipv6Address)),
              i.Ipv6Address,
            ],
            publicIps: [
              i.PublicIpAddress,
              ...nics.map((n) => n.Association?.PublicIp),
              ...nics.flatMap((n) => (n.PrivateIpAddresses ?? []).map((p) => p.Association?.PublicIp)),
            ],
          }),
          attributes: {
            instanceId: i.InstanceId,
            state: i.State?.Name ?? null,
            instanceType: i.InstanceType ?? null,
            platform: i.PlatformDetails ?? i.Platform ?? null,
            imageId: i.ImageId ?? null,
            iamInstanceProfile: i.IamInstanceProfile?.Arn ?? null,
            launchTime: i.LaunchTime ? new Date(i.LaunchTime).toISOString() : null,
            availabilityZone: i.Placement?.AvailabilityZone ?? null,
            networkInterfaces: uniq(nics.map((n) => (n.NetworkInterfaceId ? ec2Arn(ctx, "network-interface", n.NetworkInterfaceId, account) : undefined))),
            publicDnsName: i.PublicDnsName || null,
          },
        }),
      );
    }
    return out;
  },
};
