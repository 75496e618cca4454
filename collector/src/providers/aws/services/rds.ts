import { type DBCluster, type DBInstance, paginateDescribeDBClusters, paginateDescribeDBInstances } from "@aws-sdk/client-rds";
import { collect, ec2Arn, empty, network, resource, tagMap } from "../types.js";
import type { AwsServiceFamily } from "./types.js";

export const rdsInstances: AwsServiceFamily<DBInstance> = {
  name: "rds-instances",
  service: "rds:DescribeDBInstances",
  calls: { paginateDescribeDBInstances: "rds:DescribeDBInstances" },
  kinds: ["database"],
  get: (c) => collect(paginateDescribeDBInstances({ client: c.rds, pageSize: 100 }, {}), (p) => p.DBInstances),
  transform(items, ctx) {
    const out = empty();
    for (const d of items) {
      if (!d.DBInstanceArn) continue;
      const account = d.DBInstanceArn.split(":")[4] || ctx.account;
      const c = { ...ctx, account };
      const vpc = d.DBSubnetGroup?.VpcId;
      out.resources.push(
        resource({
          uid: d.DBInstanceArn,
          account,
          region: ctx.region,
          kind: "database",
          name: (d.DBInstanceIdentifier ?? "").slice(0, 512),
          tags: tagMap(d.TagList),
          ...(d.DBClusterIdentifier ? { parent: `arn:aws:rds:${ctx.region}:${account}:cluster:${d.DBClusterIdentifier}` } : {}),
          network: network({
            networks: [vpc ? ec2Arn(c, "vpc", vpc) : undefined],
            subnets: (d.DBSubnetGroup?.Subnets ?? []).map((s) => (s.SubnetIdentifier ? ec2Arn(c, "subnet", s.SubnetIdentifier) : undefined)),
            securityGroups: (d.VpcSecurityGroups ?? []).map((g) => (g.VpcSecurityGroupId ? ec2Arn(c, "security-group", g.VpcSecurityGroupId) : undefined)),
          }),
          attributes: {
            engine: d.Engine ?? null,
            engineVersion: d.EngineVersion ?? null,
            encrypted: d.StorageEncrypted ?? false,
            publiclyAccessible: d.PubliclyAccessible ?? false,
            endpoint: d.Endpoint?.Address ?? null,
            port: d.Endpoint?.Port ?? null,
            instanceClass: d.DBInstanceClass ?? null,
            status: d.DBInstanceStatus ?? null,
          },
        }),
      );
    }
    return out;
  },
};

export const rdsClusters: AwsServiceFamily<DBCluster> = {
  name: "rds-clusters",
  service: "rds:DescribeDBClusters",
  calls: { paginateDescribeDBClusters: "rds:DescribeDBClusters" },
  kinds: ["database"],
  get: (c) => collect(paginateDescribeDBClusters({ client: c.rds, pageSize: 100 }, {}), (p) => p.DBClusters),
  transform(items, ctx) {
    const out = empty();
    for (const d of items) {
      if (!d.DBClusterArn) continue;
      const account = d.DBClusterArn.split(":")[4] || ctx.account;
      const c = { ...ctx, account };
      out.resources.push(
        resource({
          uid: d.DBClusterArn,
          account,
          region: ctx.region,
          kind: "database",
          name: (d.DBClusterIdentifier ?? "").slice(0, 512),
          tags: tagMap(d.TagList),
          network: network({ securityGroups: (d.VpcSecurityGroups ?? []).map((g) => (g.VpcSecurityGroupId ? ec2Arn(c, "security-group", g.VpcSecurityGroupId) : undefined)) }),
          attributes: {
            role: "cluster",
            engine: d.Engine ?? null,
            encrypted: d.StorageEncrypted ?? false,
            publiclyAccessible: d.PubliclyAccessible ?? false,
            endpoint: d.Endpoint ?? null,
            port: d.Port ?? null,
            members: (d.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier ?? "").filter(Boolean),
          },
        }),
      );
    }
    return out;
  },
};
