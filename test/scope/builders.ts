import { FlowEdge, Resource, Route, Rule, type ResourceInput } from "../../contract/index.js";
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

/** Network plumbing with the attributes the collector sends (subnet CIDR, main route table). */
export function subnet(uid: string, network: string, cidr: string): Resource {
  return Resource.parse({
    uid, provider: "aws", account: "111122223333", region: "eu-west-1", kind: "subnet", name: uid, tags: {},
    network: { networks: [network], subnets: [uid] }, attributes: { cidrBlock: cidr },
  });
}

export function routeTable(uid: string, network: string, subnets: string[], routes: Array<[string, Route["target"]["kind"], string?]>, o: { main?: boolean } = {}): { table: Resource; routes: Route[] } {
  const table = Resource.parse({
    uid, provider: "aws", account: "111122223333", region: "eu-west-1", kind: "route_table", name: uid, tags: {},
    network: { networks: [network], subnets }, attributes: { main: o.main ?? false },
  });
  return {
    table,
    routes: routes.map(([destination, kind, target]) => Route.parse({
      id: `${uid}#${destination}`, tableUid: uid, destination,
      target: target ? { kind, uid: target } : { kind }, state: kind === "blackhole" ? "blackhole" : "active",
    })),
  };
}

export function nacl(uid: string, network: string, subnets: string[]): Resource {
  return Resource.parse({
    uid, provider: "aws", account: "111122223333", region: "eu-west-1", kind: "network_acl", name: uid, tags: {},
    network: { networks: [network], subnets },
  });
}

/** A NACL entry: stateless, ordered by number. */
export function aclEntry(owner: string, direction: "ingress" | "egress", number: number, cidr: string, action: "allow" | "deny", o: { protocol?: Rule["protocol"]; from?: number; to?: number } = {}): Rule {
  return Rule.parse({
    id: `${owner}#${direction}#${number}#${cidr}`, ownerUid: owner, direction, protocol: o.protocol ?? "all",
    fromPort: o.from ?? 0, toPort: o.to ?? o.from ?? 65535, peer: { kind: "cidr", value: cidr }, action, priority: number,
  });
}

export function egressRule(owner: string, peer: Rule["peer"], o: { protocol?: Rule["protocol"]; from?: number; to?: number; action?: "allow" | "deny"; priority?: number } = {}): Rule {
  ruleSeq++;
  return Rule.parse({
    id: `${owner}#egress#${ruleSeq}`, ownerUid: owner, direction: "egress", protocol: o.protocol ?? "all",
    fromPort: o.from ?? 0, toPort: o.to ?? o.from ?? 65535, peer, action: o.action ?? "allow", priority: o.priority ?? 0,
  });
}

export function peering(uid: string, a: string, b: string): Resource {
  return Resource.parse({
    uid, provider: "aws", account: "111122223333", region: "eu-west-1", kind: "peering", name: uid, tags: {},
    network: { networks: [a, b] }, attributes: { requesterVpc: a, accepterVpc: b },
  });
}

/** A system with everything optional the reachability tests need. */
export function host(uid: string, o: ResourceOptions & { publicIp?: string; provider?: Resource["provider"]; attributes?: Record<string, string | boolean | string[]> } = {}): Resource {
  const r = resource(uid, o);
  return Resource.parse({ ...r, provider: o.provider ?? r.provider, network: { ...r.network, publicIps: o.publicIp ? [o.publicIp] : [] }, attributes: o.attributes ?? {} });
}
