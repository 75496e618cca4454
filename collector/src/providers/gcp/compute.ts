import type { protos } from "@google-cloud/compute";
import { drain, empty, network, uniq } from "../shared.js";
import { drainAggregated, type GcpFamily, gcpResource, gcpUid, labels, lastSegment, regionOf, NO_AUTOPAGINATE } from "./types.js";

type IInstance = protos.google.cloud.compute.v1.IInstance;
type IForwardingRule = protos.google.cloud.compute.v1.IForwardingRule;

export const instances: GcpFamily<IInstance> = {
  name: "instances",
  permissions: ["compute.instances.list"],
  kinds: ["instance"],
  get: (c, project) => drainAggregated(c.instances.aggregatedListAsync({ project, maxResults: 500 }, NO_AUTOPAGINATE) as AsyncIterable<[string, Record<string, unknown>]>, "instances"),
  transform(items, ctx) {
    const out = empty();
    for (const i of items) {
      const uid = gcpUid(i.selfLink);
      if (!uid) continue;
      const nics = i.networkInterfaces ?? [];
      out.resources.push(
        gcpResource({
          uid,
          account: ctx.project,
          region: regionOf(i.zone),
          kind: "instance",
          name: (i.name ?? "").slice(0, 512),
          tags: labels(i.labels as Record<string, string> | null | undefined),
          network: network({
            networks: nics.map((n) => gcpUid(n.network)),
            subnets: nics.map((n) => gcpUid(n.subnetwork)),
            privateIps: nics.map((n) => n.networkIP ?? undefined),
            publicIps: nics.flatMap((n) => (n.accessConfigs ?? []).map((a) => a.natIP ?? undefined)),
          }),
          attributes: {
            zone: lastSegment(i.zone),
            status: i.status ?? null,
            state: (i.status ?? "").toLowerCase() || null,
            machineType: lastSegment(i.machineType),
            instanceType: lastSegment(i.machineType),
            networkTags: i.tags?.items ?? [],
            serviceAccounts: uniq((i.serviceAccounts ?? []).map((s) => s.email ?? undefined)),
            canIpForward: i.canIpForward ?? false,
          },
        }),
      );
    }
    return out;
  },
};

function forwardingRule(r: IForwardingRule, ctx: { project: string }, region: string) {
  const uid = gcpUid(r.selfLink);
  if (!uid) return undefined;
  const external = (r.loadBalancingScheme ?? "EXTERNAL").startsWith("EXTERNAL");
  return gcpResource({
    uid,
    account: ctx.project,
    region,
    kind: "load_balancer",
    name: (r.name ?? "").slice(0, 512),
    tags: labels(r.labels as Record<string, string> | null | undefined),
    network: network({
      networks: [gcpUid(r.network)],
      subnets: [gcpUid(r.subnetwork)],
      ...(external ? { publicIps: [r.IPAddress ?? undefined] } : { privateIps: [r.IPAddress ?? undefined] }),
    }),
    attributes: {
      scheme: external ? "internet-facing" : "internal",
      internetFacing: external,
      loadBalancingScheme: r.loadBalancingScheme ?? null,
      protocol: r.IPProtocol ?? null,
      ports: r.ports ?? (r.portRange ? [r.portRange] : []),
      target: gcpUid(r.target) ?? gcpUid(r.backendService) ?? null,
      targets: [],
    },
  });
}

export const forwardingRules: GcpFamily<IForwardingRule> = {
  name: "forwarding-rules",
  permissions: ["compute.forwardingRules.list"],
  kinds: ["load_balancer"],
  get: (c, project) => drainAggregated(c.forwardingRules.aggregatedListAsync({ project, maxResults: 500 }, NO_AUTOPAGINATE) as AsyncIterable<[string, Record<string, unknown>]>, "forwardingRules"),
  transform(items, ctx) {
    const out = empty();
    for (const r of items) {
      const res = forwardingRule(r, ctx, regionOf(r.region));
      if (res) out.resources.push(res);
    }
    return out;
  },
};

export const globalForwardingRules: GcpFamily<IForwardingRule> = {
  name: "global-forwarding-rules",
  permissions: ["compute.globalForwardingRules.list"],
  kinds: ["load_balancer"],
  get: (c, project) => drain(c.globalForwardingRules.listAsync({ project, maxResults: 500 }, NO_AUTOPAGINATE)),
  transform(items, ctx) {
    const out = empty();
    for (const r of items) {
      const res = forwardingRule(r, ctx, "global");
      if (res) out.resources.push(res);
    }
    return out;
  },
};
