import type { Rule } from "../../../../contract/index.js";
import { empty, network, uniq } from "../shared.js";
import { type GcpFamily, gcpResource, labels, networkUid, regionOf } from "./types.js";

/** A Cloud SQL Admin v1 DatabaseInstance, the fields scoping reads. */
export interface CloudSqlInstance {
  name?: string;
  selfLink?: string;
  project?: string;
  region?: string;
  gceZone?: string;
  state?: string;
  databaseVersion?: string;
  instanceType?: string;
  masterInstanceName?: string;
  connectionName?: string;
  ipAddresses?: Array<{ type?: string; ipAddress?: string }>;
  diskEncryptionConfiguration?: { kmsKeyName?: string };
  settings?: {
    tier?: string;
    availabilityType?: string;
    userLabels?: Record<string, string>;
    ipConfiguration?: {
      ipv4Enabled?: boolean;
      privateNetwork?: string;
      requireSsl?: boolean;
      sslMode?: string;
      authorizedNetworks?: Array<{ name?: string; value?: string }>;
      pscConfig?: { pscEnabled?: boolean; allowedConsumerProjects?: string[] };
    };
  };
}

/** The engine's port, from databaseVersion (MYSQL_8_0, POSTGRES_15, SQLSERVER_2019_STANDARD). */
export function cloudSqlPort(version: string | undefined): { engine: string; port: number } {
  const v = (version ?? "").toUpperCase();
  if (v.startsWith("POSTGRES")) return { engine: "postgres", port: 5432 };
  if (v.startsWith("SQLSERVER")) return { engine: "sqlserver", port: 1433 };
  return { engine: "mysql", port: 3306 };
}

interface SqlInstancesPage {
  items?: CloudSqlInstance[];
  nextPageToken?: string;
}

/**
 * Cloud SQL instances become `database` resources. The public address admits only the
 * authorized networks (one allow rule each on the engine's port; with none, only the Cloud
 * SQL connectors, which authorize by IAM, reach it). The private address sits in a peered
 * Google network reached from the VPC named by `privateNetwork`: that is an allow from
 * private address space (the clients' own VPC firewall rules and routes still apply).
 */
export const cloudSqlInstances: GcpFamily<CloudSqlInstance> = {
  name: "cloud-sql-instances",
  permissions: ["cloudsql.instances.list"],
  kinds: ["database"],
  async get(c, project) {
    const out: CloudSqlInstance[] = [];
    let pageToken: string | undefined;
    try {
      do {
        const page = await c.rest.get<SqlInstancesPage>("sqladmin", `v1/projects/${encodeURIComponent(project)}/instances`, { maxResults: "500", ...(pageToken ? { pageToken } : {}) });
        out.push(...(page.items ?? []));
        pageToken = page.nextPageToken || undefined;
      } while (pageToken);
    } catch (err) {
      if (out.length > 0 && err && typeof err === "object") Object.assign(err, { partialItems: out });
      throw err;
    }
    return out;
  },
  transform(items, ctx) {
    const out = empty();
    for (const i of items) {
      if (!i.selfLink) continue;
      const uid = i.selfLink;
      const ip = i.settings?.ipConfiguration ?? {};
      const { engine, port } = cloudSqlPort(i.databaseVersion);
      const addresses = i.ipAddresses ?? [];
      const publicIps = addresses.filter((a) => a.type === "PRIMARY").map((a) => a.ipAddress);
      const privateIps = addresses.filter((a) => a.type === "PRIVATE").map((a) => a.ipAddress);
      const vpc = ip.privateNetwork ? networkUid(ip.privateNetwork) : undefined;
      const authorized = uniq((ip.authorizedNetworks ?? []).map((n) => n.value));
      const publicIp = ip.ipv4Enabled !== false && publicIps.length > 0;
      out.resources.push(
        gcpResource({
          uid,
          account: i.project ?? ctx.project,
          region: (i.region ?? regionOf(i.gceZone)).slice(0, 64),
          kind: "database",
          name: (i.name ?? "").slice(0, 512),
          tags: labels(i.settings?.userLabels),
          network: network({ networks: [vpc], securityGroups: [uid], privateIps, publicIps }),
          attributes: {
            engine,
            port,
            databaseVersion: i.databaseVersion ?? null,
            state: i.state ?? null,
            tier: i.settings?.tier ?? null,
            role: i.instanceType === "READ_REPLICA_INSTANCE" ? "replica" : "instance",
            masterInstance: i.masterInstanceName ?? null,
            connectionName: i.connectionName ?? null,
            publicIpEnabled: publicIp,
            publiclyAccessible: publicIp && authorized.length > 0,
            authorizedNetworks: authorized.slice(0, 256),
            privateNetwork: vpc ?? null,
            pscEnabled: ip.pscConfig?.pscEnabled ?? false,
            requireSsl: ip.requireSsl ?? null,
            sslMode: ip.sslMode ?? null,
            // Cloud SQL always encrypts at rest; a customer-managed key is named here.
            encrypted: true,
            kmsKey: i.diskEncryptionConfiguration?.kmsKeyName ?? null,
            highAvailability: i.settings?.availabilityType === "REGIONAL",
          },
        }),
      );
      out.rules.push(...cloudSqlRules(uid, port, publicIp ? authorized : [], vpc));
    }
    return out;
  },
};

export function cloudSqlRules(uid: string, port: number, authorized: string[], vpc: string | undefined): Rule[] {
  const base = { ownerUid: uid, direction: "ingress" as const, protocol: "tcp" as const, fromPort: port, toPort: port, action: "allow" as const, priority: 1000 };
  const rules: Rule[] = authorized.map((cidr) => ({ ...base, id: `${uid}#ingress#authorized#${cidr}`, peer: { kind: "cidr", value: cidr }, description: "authorized network (public IP)" }));
  if (vpc) rules.push({ ...base, id: `${uid}#ingress#private#${vpc}`, peer: { kind: "service_tag", value: "VirtualNetwork" }, description: `private IP, reached from ${vpc} (private services access)`.slice(0, 1024) });
  return rules;
}
