import { type Cluster, DescribeClusterCommand, paginateListClusters } from "@aws-sdk/client-eks";
import { collect, ec2Arn, empty, FollowUps, mapLimit, network, resource } from "../types.js";
import type { AwsServiceFamily } from "./types.js";

/**
 * EKS clusters as `k8s_cluster` resources: the control plane's subnets and security groups
 * are its network facts; whether its API endpoint is public, and to which CIDRs, are its
 * exposure facts (the public endpoint is AWS's, outside the VPC: no route or group governs it).
 */
export const eksClusters: AwsServiceFamily<Cluster> = {
  name: "eks-clusters",
  service: "eks:ListClusters",
  calls: { paginateListClusters: "eks:ListClusters", DescribeClusterCommand: "eks:DescribeCluster" },
  kinds: ["k8s_cluster"],
  async get(c) {
    const names = await collect(paginateListClusters({ client: c.eks, pageSize: 100 }, {}), (p) => p.clusters);
    const follow = new FollowUps();
    const clusters = await mapLimit(names, 4, (name) => follow.read(`DescribeCluster ${name}`, () => c.eks.send(new DescribeClusterCommand({ name }))));
    return follow.finish(clusters.flatMap((r) => (r?.cluster ? [r.cluster] : [])));
  },
  transform(items, ctx) {
    const out = empty();
    for (const k of items) {
      if (!k.arn || !k.name || k.status === "DELETING") continue;
      const account = k.arn.split(":")[4] || ctx.account;
      const c = { ...ctx, account };
      const v = k.resourcesVpcConfig ?? {};
      const publicCidrs = v.endpointPublicAccess ? (v.publicAccessCidrs?.length ? v.publicAccessCidrs : ["0.0.0.0/0"]) : [];
      out.resources.push(
        resource({
          uid: k.arn,
          account,
          region: ctx.region,
          kind: "k8s_cluster",
          name: k.name.slice(0, 512),
          tags: Object.fromEntries(Object.entries(k.tags ?? {}).map(([key, val]) => [key.slice(0, 256), String(val).slice(0, 512)])),
          network: network({
            networks: [v.vpcId ? ec2Arn(c, "vpc", v.vpcId) : undefined],
            subnets: (v.subnetIds ?? []).map((s) => ec2Arn(c, "subnet", s)),
            securityGroups: [...(v.securityGroupIds ?? []), v.clusterSecurityGroupId].map((g) => (g ? ec2Arn(c, "security-group", g) : undefined)),
          }),
          attributes: {
            version: k.version ?? null,
            status: k.status ?? null,
            endpoint: k.endpoint ?? null,
            endpointPublicAccess: v.endpointPublicAccess ?? false,
            endpointPrivateAccess: v.endpointPrivateAccess ?? false,
            publicAccessCidrs: publicCidrs.slice(0, 256),
            // The API server answers the whole internet: public endpoint open to 0.0.0.0/0 (or ::/0).
            publicEndpointOpenToInternet: publicCidrs.some((x) => x === "0.0.0.0/0" || x === "::/0"),
            clusterSecurityGroup: v.clusterSecurityGroupId ? ec2Arn(c, "security-group", v.clusterSecurityGroupId) : null,
            serviceIpv4Cidr: k.kubernetesNetworkConfig?.serviceIpv4Cidr ?? null,
            roleArn: k.roleArn ?? null,
          },
        }),
      );
    }
    return out;
  },
};
