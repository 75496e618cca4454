import { type LoadBalancerDescription, paginateDescribeLoadBalancers } from "@aws-sdk/client-elastic-load-balancing";
import { collect, ec2Arn, empty, network, resource, uniq } from "../types.js";
import type { AwsServiceFamily } from "./types.js";

/**
 * Classic load balancers. They register instances directly (no target groups), so the
 * targets are those instances' ARNs — the same `targets` attribute ELBv2 load balancers carry.
 */
export const classicLoadBalancers: AwsServiceFamily<LoadBalancerDescription> = {
  name: "classic-load-balancers",
  service: "elasticloadbalancing:DescribeLoadBalancers (classic)",
  calls: { paginateDescribeLoadBalancers: "elasticloadbalancing:DescribeLoadBalancers" },
  kinds: ["load_balancer"],
  get: (c) => collect(paginateDescribeLoadBalancers({ client: c.elb, pageSize: 400 }, {}), (p) => p.LoadBalancerDescriptions),
  transform(items, ctx) {
    const out = empty();
    for (const lb of items) {
      if (!lb.LoadBalancerName) continue;
      const listeners = (lb.ListenerDescriptions ?? []).flatMap((d) => (d.Listener ? [d.Listener] : []));
      out.resources.push(
        resource({
          uid: `arn:aws:elasticloadbalancing:${ctx.region}:${ctx.account}:loadbalancer/${lb.LoadBalancerName}`,
          account: ctx.account,
          region: ctx.region,
          kind: "load_balancer",
          name: lb.LoadBalancerName.slice(0, 512),
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
