import { FlowEdge, Resource, Rule, type ResourceInput } from "../../contract/index.js";
import type { ClassifierInput, Override } from "../../worker/scope/types.js";

/** Small, contract-shaped fixtures: every builder runs the real zod schema, so tests cannot drift from the wire. */

let ipSeq = 0;
function nextIp(): string {
  ipSeq++;
  return `10.0.${(ipSeq >> 8) & 255}.${ipSeq & 255}`;
}

export interface ResourceOptions {
  kind?: Resource["kind"];
  name?: string;
  tags?: Record<string, string>;
  subnet?: string;
  network?: string;
  groups?: string[];
  ip?: string;
  parent?: string;
}

export function resource(uid: string, o: ResourceOptions = {}): Resource {
  const input: ResourceInput = {
    uid,
    provider: "aws",
    account: "111122223333",
    region: "eu-west-1",
    kind: o.kind ?? "instance",
    name: o.name ?? uid,
    tags: o.tags ?? {},
    network: {
      networks: o.network ? [o.network] : [],
      subnets: o.subnet ? [o.subnet] : [],
      securityGroups: o.groups ?? [],
      privateIps: [o.ip ?? nextIp()],
      publicIps: [],
    },
  };
  if (o.parent) input.parent = o.parent;
  return Resource.parse(input);
}

export function infra(uid: string, kind: Resource["kind"], o: { subnets?: string[]; network?: string; tags?: Record<string, string> } = {}): Resource {
  return Resource.parse({
    uid, provider: "aws", account: "111122223333", region: "eu-west-1", kind, name: uid, tags: o.tags ?? {},
    network: { networks: o.network ? [o.network] : [], subnets: o.subnets ?? [], securityGroups: [], privateIps: [], publicIps: [] },
  });
}

export function ipOf(r: Resource): string {
  return r.network.privateIps[0]!;
}

export interface EdgeOptions {
  port?: number;
  protocol?: number;
  action?: "accept" | "reject";
  bytes?: number;
  packets?: number;
  flows?: number;
  firstSeen?: number;
  lastSeen?: number;
}

/** A flow from client `from` to server `to` (dstPort is the server's). */
export function edge(from: Resource, to: Resource, o: EdgeOptions = {}): FlowEdge {
  return FlowEdge.parse({
    srcIp: ipOf(from),
    dstIp: ipOf(to),
    dstPort: o.port ?? 443,
    protocol: o.protocol ?? 6,
    action: o.action ?? "accept",
    packets: o.packets ?? 10,
    bytes: o.bytes ?? 1000,
    flows: o.flows ?? 1,
    firstSeen: o.firstSeen ?? 1_700_000_000,
    lastSeen: o.lastSeen ?? 1_700_000_600,
    srcUid: from.uid,
    dstUid: to.uid,
  });
}

let ruleSeq = 0;
export function ingress(owner: string, peer: Rule["peer"], o: { protocol?: Rule["protocol"]; from?: number; to?: number; action?: "allow" | "deny" } = {}): Rule {
  ruleSeq++;
  return Rule.parse({
    id: `${owner}#ingress#${ruleSeq}`,
    ownerUid: owner,
    direction: "ingress",
    protocol: o.protocol ?? "tcp",
    fromPort: o.from ?? 443,
    toPort: o.to ?? o.from ?? 443,
    peer,
    action: o.action ?? "allow",
    priority: 0,
  });
}

export function allowAllFromSelf(group: string): Rule {
  return ingress(group, { kind: "group", value: group }, { protocol: "all", from: 0, to: 65535 });
}

export const NOW = Date.parse("2025-06-01T00:00:00Z");

export function override(uid: string, scope: Override["scope"], o: Partial<Override> = {}): Override {
  return { uid, scope, justification: "assessor agreed in 2025 scoping workshop", author: "alice@example.com", createdAt: "2025-05-01T00:00:00Z", ...o };
}

export function input(p: Partial<ClassifierInput>): ClassifierInput {
  return { resources: [], rules: [], routes: [], edges: [], overrides: [], now: NOW, ...p };
}

/** A CDE database tagged the way owners usually do it. */
export function cdeDb(uid = "arn:aws:rds:eu-west-1:111122223333:db/cards", o: ResourceOptions = {}): Resource {
  return resource(uid, { kind: "database", tags: { "pci:scope": "cde" }, ...o });
}
