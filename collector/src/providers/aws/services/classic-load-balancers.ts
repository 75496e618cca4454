import { DescribeTagsCommand, type LoadBalancerDescription, paginateDescribeLoadBalancers } from "@aws-sdk/client-elastic-load-balancing";
import { collect, ec2Arn, empty, FollowUps, network, resource, tagMap, uniq } from "../types.js";
import type { AwsServiceFamily } from "./types.js";

export interface ClassicLoadBalancerRead {
  lb: LoadBalancerDescription;
  tags: Record<string, string>;
}

/** DescribeTags takes at most 20 load balancers (names for classic, ARNs for ELBv2) per call. */
export const TAGS_PER_CALL = 20;

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let k = 0; k < items.length; k += size) out.push(items.slice(k, k + size));
  return out;
}

/**
 * Classic load balancers. They register instances directly (no target groups), so the
 * targets are those instances' ARNs — the same `targets` attribute ELBv2 load balancers carry.
 * Their tags (a `pci:scope` tag among them) come from DescribeTags, 20 names a call; a denied
 * one leaves those load balancers without tags and the family partial, with the reason.
 */
export const classicLoadBalancers: AwsServiceFamily<ClassicLoadBalancerRead> = {
  name: "classic-load-balancers",
  service: "elasticloadbalancing:DescribeLoadBalancers (classic)",
  calls: { paginateDescribeLoadBalancers: "elasticloadbalancing:DescribeLoadBalancers", DescribeTagsCommand: "elasticloadbalancing:DescribeTags" },
  kinds: ["load_balancer"],
  async get(c) {
    const lbs = await collect(paginateDescribeLoadBalancers({ client: c.elb, pageSize: 400 }, {}), (p) => p.LoadBalancerDescriptions);
    const follow = new FollowUps();
    const tags = new Map<string, Record<string, string>>();
    const names = lbs.flatMap((lb) => (lb.LoadBalancerName ? [lb.LoadBalancerName] : []));
    for (const batch of chunks(names, TAGS_PER_CALL)) {
      const r = await follow.read(`DescribeTags ${batch[0]}…`, () => c.elb.send(new DescribeTagsCommand({ LoadBalancerNames: batch })));
      for (const d of r?.TagDescriptions ?? []) if (d.LoadBalancerName) tags.set(d.LoadBalancerName, tagMap(d.Tags));
    }
    return follow.finish(lbs.map((lb) => ({ lb, tags: tags.get(lb.LoadBalancerName ?? "") ?? {} })));
  },
  transform(items, ctx) {
    const out = empty();
    for (const { lb, tags } of items) {
      if (!lb.LoadBalancerName) continue;
      const listeners = (lb.ListenerDescriptions ?? []).flatMap((d) => (d.Listener ? [d.Listener] : []));
      out.resources.push(
        resource({
          uid: `arn:aws:elasticloadbalancing:${ctx.region}:${ctx.account}:loadbalancer/${lb.LoadBalancerName}`,
          account: ctx.account,
          region: ctx.region,
          kind: "load_balancer",
          name: lb.LoadBalancerName.slice(0, 512),
          tags,
          network: network({
            networks: [lb.VPCId ? ec2Arn(ctx, "vpc", lb.VPCId) : undefined],
            subnets: (lb.Subnets ?? []).map((s) => ec2Arn(ctx, "subnet", s)),
            securityGroups: (lb.SecurityGroups ?? []).map((g) => ec2Arn(ctx, "security-group", g)),
          }),
          attributes: {
            scheme: lb.Scheme ?? null,
            internetFacing: lb.Scheme === "internet-facing",
            type: "classic",
            dnsName: lb.DNSName ?? null,
            targets: uniq((lb.Instances ?? []).map((i) => (i.InstanceId ? ec2Arn(ctx, "instance", i.InstanceId) : undefined))),
            // Listener port → instance port: the ports are those the instances receive on.
            ports: uniq(listeners.map((l) => (l.InstancePort ? `${l.InstanceProtocol ?? l.Protocol ?? ""}/${l.InstancePort}` : undefined))),
            listenerPorts: uniq(listeners.map((l) => (l.LoadBalancerPort ? `${l.Protocol ?? ""}/${l.LoadBalancerPort}` : undefined))),
          },
        }),
      );
    }
    return out;
  },
};
