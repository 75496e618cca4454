import { paginateDescribeVpcEndpoints, type VpcEndpoint } from "@aws-sdk/client-ec2";
import { type AwsFamily, collect, ec2Arn, empty, nameOf, network, PAGE_SIZE, resource, tagMap, uniq } from "./types.js";

const GONE = new Set(["deleted", "deleting", "rejected", "failed", "expired"]);

/**
 * VPC endpoints. Interface (and Gateway Load Balancer) endpoints are network interfaces in
 * subnets behind security groups: those facts are their network facts, and the addresses
 * are filled in from the interfaces after discovery. Gateway endpoints (S3, DynamoDB) sit
 * in no subnet: route tables reach them through a prefix-list route, read with the tables.
 */
export const vpcEndpoints: AwsFamily<VpcEndpoint> = {
  name: "vpc-endpoints",
  action: "DescribeVpcEndpoints",
  kinds: ["endpoint"],
  get: (client) => collect(paginateDescribeVpcEndpoints({ client, pageSize: PAGE_SIZE }, {}), (p) => p.VpcEndpoints),
  ownerIds: (items) => uniq(items.map((e) => e.OwnerId)),
  transform(items, ctx) {
    const out = empty();
    for (const e of items) {
      if (!e.VpcEndpointId || GONE.has(String(e.State ?? "").toLowerCase())) continue;
      const account = e.OwnerId ?? ctx.account;
      const c = { ...ctx, account };
      const tags = tagMap(e.Tags);
      const vpcUid = e.VpcId ? ec2Arn(c, "vpc", e.VpcId) : undefined;
      out.resources.push(
        resource({
          uid: ec2Arn(c, "vpc-endpoint", e.VpcEndpointId),
          account,
          region: ctx.region,
          kind: "endpoint",
          name: nameOf(tags, e.VpcEndpointId),
          tags,
          ...(vpcUid ? { parent: vpcUid } : {}),
          network: network({
            networks: [vpcUid],
            subnets: (e.SubnetIds ?? []).map((s) => ec2Arn(c, "subnet", s)),
            securityGroups: (e.Groups ?? []).map((g) => (g.GroupId ? ec2Arn(c, "security-group", g.GroupId) : undefined)),
          }),
          attributes: {
            vpcEndpointId: e.VpcEndpointId,
            endpointType: e.VpcEndpointType ?? null,
            serviceName: (e.ServiceName ?? "").slice(0, 1024),
            state: e.State ?? null,
            privateDnsEnabled: e.PrivateDnsEnabled ?? false,
            routeTables: uniq((e.RouteTableIds ?? []).map((t) => ec2Arn(c, "route-table", t))),
            networkInterfaces: uniq((e.NetworkInterfaceIds ?? []).map((n) => ec2Arn(c, "network-interface", n))),
            dnsNames: uniq((e.DnsEntries ?? []).map((d) => d.DnsName?.slice(0, 1024))).slice(0, 64),
            // A policy that lets anyone do anything through the endpoint (the default) is worth flagging.
            policyAllowsAll: policyAllowsAll(e.PolicyDocument),
          },
        }),
      );
    }
    return out;
  },
};

function policyAllowsAll(doc: string | undefined): boolean | null {
  if (!doc) return null;
  try {
    const parsed = JSON.parse(doc) as { Statement?: unknown };
    const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
    const all = (v: unknown) => v === "*" || (Array.isArray(v) && v.includes("*"));
    return statements.some((s) => {
      const st = s as { Effect?: string; Principal?: unknown; Action?: unknown; Resource?: unknown; Condition?: unknown };
      const principal = st.Principal === "*" || all((st.Principal as { AWS?: unknown } | undefined)?.AWS);
      return st.Effect === "Allow" && principal && all(st.Action) && all(st.Resource) && !st.Condition;
    });
  } catch {
    return null;
  }
}
