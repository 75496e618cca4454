import type { Database, FirewallRule, Server } from "@azure/arm-sql";
import type { Rule } from "../../../../contract/index.js";
import { drain, empty, ipv4RangeToCidrs, network } from "../shared.js";
import { type AzureClients, type AzureFamily, armUid, azureResource, base, resourceGroupOf } from "./types.js";

export interface SqlServerRead {
  server: Server;
  firewallRules?: FirewallRule[];
  databases?: Database[];
}

async function readServers(c: AzureClients): Promise<SqlServerRead[]> {
  const servers = await drain(c.sql.servers.list());
  const out: SqlServerRead[] = [];
  let firstError: unknown;
  for (const server of servers) {
    const read: SqlServerRead = { server };
    if (server.id && server.name) {
      const rg = resourceGroupOf(server.id);
      // A server whose rules could not be read is sent without rules and marked, never as "no rules".
      try {
        read.firewallRules = await drain(c.sql.firewallRules.listByServer(rg, server.name));
      } catch (err) {
        firstError ??= err;
      }
      try {
        read.databases = await drain(c.sql.databases.listByServer(rg, server.name));
      } catch (err) {
        firstError ??= err;
      }
    }
    out.push(read);
  }
  if (firstError) throw Object.assign(firstError as object, { partialItems: out });
  return out;
}

export const SQL_PORT = 1433;

export const sqlServers: AzureFamily<SqlServerRead> = {
  name: "sql-servers",
  permissions: ["Microsoft.Sql/servers/read", "Microsoft.Sql/servers/firewallRules/read", "Microsoft.Sql/servers/databases/read"],
  kinds: ["database"],
  get: readServers,
  transform(items, ctx) {
    const out = empty();
    for (const { server, firewallRules, databases } of items) {
      if (!server.id) continue;
      const b = base({ ...server, id: server.id }, ctx);
      const publicAccess = server.publicNetworkAccess !== "Disabled";
      const common = {
        engine: "sqlserver",
        publicNetworkAccess: server.publicNetworkAccess ?? null,
        publiclyAccessible: publicAccess && (firewallRules === undefined || firewallRules.length > 0),
        firewallRulesRead: firewallRules !== undefined,
      };
      out.resources.push(
        azureResource({
          ...b,
          kind: "database",
          network: network({ securityGroups: [b.uid] }),
          attributes: { ...common, role: "server", fqdn: server.fullyQualifiedDomainName ?? null, version: server.version ?? null, minimalTlsVersion: server.minimalTlsVersion ?? null },
        }),
      );
      for (const d of databases ?? []) {
        if (!d.id || d.name?.toLowerCase() === "master") continue;
        out.resources.push(
          azureResource({
            ...base({ ...d, id: d.id }, ctx),
            kind: "database",
            parent: b.uid,
            network: network({ securityGroups: [b.uid] }),
            attributes: { ...common, role: "database", sku: d.sku?.name ?? null, encrypted: null, zoneRedundant: d.zoneRedundant ?? null },
          }),
        );
      }
      // With public access disabled the firewall rules are inert: only private endpoints reach the server.
      if (publicAccess) out.rules.push(...sqlFirewallRules(b.uid, firewallRules ?? []));
    }
    return out;
  },
};

/** Each IP range rule admits TCP 1433 from the CIDRs covering it; 0.0.0.0–0.0.0.0 is "allow Azure services". */
export function sqlFirewallRules(ownerUid: string, rules: FirewallRule[]): Rule[] {
  const out: Rule[] = [];
  for (const r of rules) {
    if (!r.startIpAddress || !r.endIpAddress) continue;
    const base = { ownerUid, direction: "ingress" as const, protocol: "tcp" as const, fromPort: SQL_PORT, toPort: SQL_PORT, action: "allow" as const, priority: 0, description: (r.name ?? "").slice(0, 1024) };
    if (r.startIpAddress === "0.0.0.0" && r.endIpAddress === "0.0.0.0") {
      out.push({ ...base, id: `${ownerUid}#ingress#${r.name}#AzureCloud`, peer: { kind: "service_tag", value: "AzureCloud" } });
      continue;
    }
    for (const cidr of ipv4RangeToCidrs(r.startIpAddress, r.endIpAddress)) out.push({ ...base, id: `${ownerUid}#ingress#${r.name}#${cidr}`, peer: { kind: "cidr", value: cidr } });
  }
  return out;
}
