import {
  DescribeTagsCommand,
  DescribeTargetHealthCommand,
  type LoadBalancer,
  paginateDescribeLoadBalancers,
  paginateDescribeTargetGroups,
  type TargetGroup,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { collect, ec2Arn, empty, FollowUps, network, resource, tagMap, uniq } from "../types.js";
import { chunks, TAGS_PER_CALL } from "./classic-load-balancers.js";
import type { AwsServiceFamily } from "./types.js";

export interface LoadBalancerRead {
  lb: LoadBalancer;
  targetGroups: Array<{ group: TargetGroup; targets: string[] }>;
  tags: Record<string, string>;
}

/**
 * ELBv2 (application, network, gateway) load balancers with the targets their groups hold and
 * their tags (DescribeTags, 20 ARNs a call; a denied one leaves the family partial, with the reason).
 */
export const loadBalancersV2: AwsServiceFamily<LoadBalancerRead> = {
  name: "elbv2-load-balancers",
  service: "elasticloadbalancing:DescribeLoadBalancers",
  calls: {
    paginateDescribeLoadBalancers: "elasticloadbalancing:DescribeLoadBalancers",
    paginateDescribeTargetGroups: "elasticloadbalancing:DescribeTargetGroups",
    DescribeTargetHealthCommand: "elasticloadbalancing:DescribeTargetHealth",
    DescribeTagsCommand: "elasticloadbalancing:DescribeTags",
  },
  kinds: ["load_balancer"],
  async get(c) {
    const lbs = await collect(paginateDescribeLoadBalancers({ client: c.elbv2, pageSize: 400 }, {}), (p) => p.LoadBalancers);
    const groups = await collect(paginateDescribeTargetGroups({ client: c.elbv2, pageSize: 400 }, {}), (p) => p.TargetGroups);
    const targetsOf = new Map<string, string[]>();
    for (const g of groups) {
      if (!g.TargetGroupArn || (g.LoadBalancerArns ?? []).length === 0) continue;
      const health = await c.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: g.TargetGroupArn }));
      targetsOf.set(g.TargetGroupArn, uniq((health.TargetHealthDescriptions ?? []).map((d) => d.Target?.Id)));
    }
    const follow = new FollowUps();
    const tags = new Map<string, Record<string, string>>();
    const arns = lbs.flatMap((lb) => (lb.LoadBalancerArn ? [lb.LoadBalancerArn] : []));
    for (const batch of chunks(arns, TAGS_PER_CALL)) {
      const r = await follow.read(`DescribeTags ${batch[0]}…`, () => c.elbv2.send(new DescribeTagsCommand({ ResourceArns: batch })));
      for (const d of r?.TagDescriptions ?? []) if (d.ResourceArn) tags.set(d.ResourceArn, tagMap(d.Tags));
    }
    return follow.finish(lbs.map((lb) => ({
      lb,
      tags: tags.get(lb.LoadBalancerArn ?? "") ?? {},
      targetGroups: groups.filter((g) => (g.LoadBalancerArns ?? []).includes(lb.LoadBalancerArn ?? "")).map((group) => ({ group, targets: targetsOf.get(group.TargetGroupArn ?? "") ?? [] })),
    })));
  },
  transform(items, ctx) {
    const out = empty();
    for (const { lb, targetGroups, tags } of items) {
      if (!lb.LoadBalancerArn) continue;
      const account = lb.LoadBalancerArn.split(":")[4] || ctx.account;
      const c = { ...ctx, account };
      const targets = targetGroups.flatMap((t) => t.targets);
      out.resources.push(
        resource({
          uid: lb.LoadBalancerArn,
          account,
          region: ctx.region,
          kind: "load_balancer",
          name: (lb.LoadBalancerName ?? "").slice(0, 512),
          tags,
          network: network({
            networks: [lb.VpcId ? ec2Arn(c, "vpc", lb.VpcId) : undefined],
            subnets: (lb.AvailabilityZones ?? []).map((z) => (z.SubnetId ? ec2Arn(c, "subnet", z.SubnetId) : undefined)),
            securityGroups: (lb.SecurityGroups ?? []).map((g) => ec2Arn(c, "security-group", g)),
            publicIps: (lb.AvailabilityZones ?? []).flatMap((z) => (z.LoadBalancerAddresses ?? []).map((a) => a.IpAddress)),
          }),
          attributes: {
            scheme: lb.Scheme ?? null,
            internetFacing: lb.Scheme === "internet-facing",
            type: lb.Type ?? null,
            dnsName: lb.DNSName ?? null,
            // Instance ids become instance ARNs; IP and Lambda targets are kept as given (the link step maps IPs).
            targets: uniq(targets.map((t) => (/^i-[0-9a-f]+$/.test(t) ? ec2Arn(c, "instance", t) : t.startsWith("arn:") ? t : undefined))),
            targetIps: uniq(targets.filter((t) => /^[\d.]+$|:/.test(t) && !t.startsWith("arn:"))),
            targetGroups: targetGroups.map((t) => t.group.TargetGroupArn ?? "").filter(Boolean),
            ports: uniq(targetGroups.map((t) => (t.group.Port ? `${t.group.Protocol ?? ""}/${t.group.Port}` : undefined))),
          },
        }),
      );
    }
    return out;
  },
};
