import type { protos } from "@google-cloud/compute";
import type { Protocol, Rule, RulePeer } from "../../../../contract/index.js";
import { drain, empty, network } from "../shared.js";
import { type GcpFamily, gcpResource, gcpUid, serviceAccountGroup, tagGroup, NO_AUTOPAGINATE } from "./types.js";

type IFirewall = protos.google.cloud.compute.v1.IFirewall;

const NAMED: Record<string, Protocol> = { tcp: "tcp", udp: "udp", icmp: "icmp", all: "all", esp: "50", ah: "51", sctp: "132", ipip: "4" };

function protocolOf(p: string | null | undefined): Protocol {
  const s = (p ?? "all").toLowerCase();
  if (NAMED[s]) return NAMED[s];
  if (s === "6") return "tcp";
  if (s === "17") return "udp";
  if (s === "1") return "icmp";
  return /^\d{1,3}$/.test(s) ? s : "all";
}

function portRanges(protocol: Protocol, ports: string[] | null | undefined): Array<[number, number]> {
  if (protocol === "icmp") return [[0, 255]];
  if (!ports || ports.length === 0) return [[0, 65535]];
  const out: Array<[number, number]> = [];
  for (const p of ports) {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(p.trim());
    if (m) out.push([Number(m[1]), Number(m[2] ?? m[1])]);
  }
  return out;
}

/**
 * A firewall rule is a resource of kind `firewall`; it applies to the instances it targets
 * (all of the network's, or those with a target tag / service account), which list it in
 * `network.securityGroups` (the link step). Source tags and service accounts become group
 * peers whose members list the same group uid.
 */
export const firewalls: GcpFamily<IFirewall> = {
  name: "firewalls",
  permissions: ["compute.firewalls.list"],
  kinds: ["firewall"],
  get: (c, project) => drain(c.firewalls.listAsync({ project, maxResults: 500 }, NO_AUTOPAGINATE)),
  transform(items, ctx) {
    const out = empty();
    for (const f of items) {
      const uid = gcpUid(f.selfLink);
      const net = gcpUid(f.network);
      if (!uid || !net) continue;
      out.resources.push(
        gcpResource({
          uid,
          account: ctx.project,
          region: "global",
          kind: "firewall",
          name: (f.name ?? "").slice(0, 512),
          parent: net,
          network: network({ networks: [net] }),
          attributes: {
            direction: f.direction ?? "INGRESS",
            priority: f.priority ?? 1000,
            disabled: f.disabled ?? false,
            targetTags: f.targetTags ?? [],
            targetServiceAccounts: f.targetServiceAccounts ?? [],
            appliesToAll: (f.targetTags ?? []).length === 0 && (f.targetServiceAccounts ?? []).length === 0,
            logging: f.logConfig?.enable ?? false,
          },
        }),
      );
      // A disabled rule does nothing; its resource stays so that a change shows as drift.
      if (!f.disabled) out.rules.push(...firewallRules(uid, net, f));
    }
    return out;
  },
};

export function firewallRules(uid: string, net: string, f: IFirewall): Rule[] {
  const ingress = (f.direction ?? "INGRESS") === "INGRESS";
  const peers: RulePeer[] = ingress
    ? [
        ...(f.sourceRanges ?? []).map((c): RulePeer => ({ kind: "cidr", value: c })),
        ...(f.sourceTags ?? []).map((t): RulePeer => ({ kind: "group", value: tagGroup(net, t) })),
        ...(f.sourceServiceAccounts ?? []).map((s): RulePeer => ({ kind: "group", value: serviceAccountGroup(net, s) })),
      ]
    : (f.destinationRanges ?? ["0.0.0.0/0"]).map((c): RulePeer => ({ kind: "cidr", value: c }));
  const action = (f.denied ?? []).length > 0 ? "deny" : "allow";
  const out: Rule[] = [];
  for (const entry of [...(f.allowed ?? []), ...(f.denied ?? [])]) {
    const protocol = protocolOf(entry.IPProtocol);
    for (const [fromPort, toPort] of portRanges(protocol, entry.ports)) {
      for (const peer of peers) {
        const peerKey = peer.kind === "any" ? "any" : `${peer.kind}:${peer.value}`;
        out.push({
          id: `${uid}#${ingress ? "ingress" : "egress"}#${protocol}:${fromPort}-${toPort}#${peerKey}`,
          ownerUid: uid,
          direction: ingress ? "ingress" : "egress",
          protocol,
          fromPort,
          toPort,
          peer,
          action,
          priority: f.priority ?? 1000,
          ...(f.description ? { description: f.description.slice(0, 1024) } : {}),
        });
      }
    }
  }
  return out;
}
