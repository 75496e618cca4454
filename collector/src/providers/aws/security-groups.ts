import { paginateDescribeSecurityGroups, type IpPermission, type SecurityGroup } from "@aws-sdk/client-ec2";
import type { Protocol, Rule, RulePeer } from "../../../../contract/index.js";
import { type AwsFamily, collect, ec2Arn, empty, type RegionContext, network, resource, tagMap, PAGE_SIZE, uniq } from "./types.js";

export const securityGroups: AwsFamily<SecurityGroup> = {
  name: "security-groups",
  action: "DescribeSecurityGroups",
  kinds: ["security_group"],
  get: (client) => collect(paginateDescribeSecurityGroups({ client, pageSize: PAGE_SIZE }, {}), (p) => p.SecurityGroups),
  ownerIds: (items) => uniq(items.map((g) => g.OwnerId)),
  transform(items, ctx) {
    const out = empty();
    for (const g of items) {
      if (!g.GroupId) continue;
      const account = g.OwnerId ?? ctx.account;
      const tags = tagMap(g.Tags);
      const uid = g.SecurityGroupArn ?? ec2Arn(ctx, "security-group", g.GroupId, account);
      const vpcUid = g.VpcId ? ec2Arn(ctx, "vpc", g.VpcId, account) : undefined;
      out.resources.push(
        resource({
          uid,
          account,
          region: ctx.region,
          kind: "security_group",
          name: (g.GroupName ?? g.GroupId).slice(0, 512),
          tags,
          ...(vpcUid ? { parent: vpcUid } : {}),
          network: network({ networks: [vpcUid], securityGroups: [uid] }),
          attributes: { groupId: g.GroupId, groupName: g.GroupName ?? null, description: (g.Description ?? "").slice(0, 1024) },
        }),
      );
      out.rules.push(...permissionRules(uid, "ingress", g.IpPermissions ?? [], { ...ctx, account }));
      out.rules.push(...permissionRules(uid, "egress", g.IpPermissionsEgress ?? [], { ...ctx, account }));
    }
    return out;
  },
};

/** Protocol and port range of an IpPermission, the way the rest of the product reads them. */
export function protocolAndPorts(p: Pick<IpPermission, "IpProtocol" | "FromPort" | "ToPort">): {
  protocol: Protocol;
  fromPort: number;
  toPort: number;
} {
  const proto = normalizeProtocol(p.IpProtocol ?? "-1");
  if (proto === "all") return { protocol: "all", fromPort: 0, toPort: 65535 };
  if (proto === "icmp" || proto === "icmpv6") {
    // For ICMP, FromPort is the ICMP type (-1 = all types); flows carry port 0.
    const type = p.FromPort ?? -1;
    return type < 0 ? { protocol: proto, fromPort: 0, toPort: 255 } : { protocol: proto, fromPort: type, toPort: type };
  }
  if (proto === "tcp" || proto === "udp") {
    const from = p.FromPort ?? -1;
    const to = p.ToPort ?? -1;
    if (from < 0 || to < 0) return { protocol: proto, fromPort: 0, toPort: 65535 };
    return { protocol: proto, fromPort: Math.min(from, to), toPort: Math.max(from, to) };
  }
  // Other IP protocols (ESP, GRE...) have no ports: the rule covers the whole protocol.
  return { protocol: proto, fromPort: 0, toPort: 65535 };
}

const PROTOCOL_NUMBERS: Record<string, Protocol> = { "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6" };

export function normalizeProtocol(raw: string): Protocol {
  const p = raw.trim().toLowerCase();
  if (p === "-1" || p === "all") return "all";
  if (p === "tcp" || p === "udp" || p === "icmp" || p === "icmpv6") return p;
  if (PROTOCOL_NUMBERS[p]) return PROTOCOL_NUMBERS[p];
  if (/^\d{1,3}$/.test(p)) return p;
  return "all";
}

/** One contract Rule per peer of each permission: CIDRs (v4, v6), groups, prefix lists. */
export function permissionRules(ownerUid: string, direction: "ingress" | "egress", perms: IpPermission[], ctx: RegionContext): Rule[] {
  const rules: Rule[] = [];
  const seen = new Set<string>();
  for (const perm of perms) {
    const { protocol, fromPort, toPort } = protocolAndPorts(perm);
    const peers: Array<{ peer: RulePeer; description?: string | undefined }> = [
      ...(perm.IpRanges ?? []).filter((r) => r.CidrIp).map((r) => ({ peer: { kind: "cidr" as const, value: r.CidrIp! }, description: r.Description })),
      ...(perm.Ipv6Ranges ?? [])
        .filter((r) => r.CidrIpv6)
        .map((r) => ({ peer: { kind: "cidr" as const, value: r.CidrIpv6! }, description: r.Description })),
      ...(perm.UserIdGroupPairs ?? [])
        .filter((g) => g.GroupId)
        .map((g) => ({
          peer: { kind: "group" as const, value: ec2Arn(ctx, "security-group", g.GroupId!, g.UserId ?? ctx.account) },
          description: g.Description,
        })),
      ...(perm.PrefixListIds ?? [])
        .filter((p) => p.PrefixListId)
        .map((p) => ({ peer: { kind: "prefix_list" as const, value: p.PrefixListId! }, description: p.Description })),
    ];
    for (const { peer, description } of peers) {
      const peerKey = peer.kind === "any" ? "any" : `${peer.kind}:${peer.value}`;
      const id = `${ownerUid}#${direction}#${protocol}:${fromPort}-${toPort}#${peerKey}`;
      if (seen.has(id)) continue;
      seen.add(id);
      rules.push({
        id,
        ownerUid,
        direction,
        protocol,
        fromPort,
        toPort,
        peer,
        action: "allow",
        priority: 0,
        ...(description ? { description: description.slice(0, 1024) } : {}),
      });
    }
  }
  return rules;
}
