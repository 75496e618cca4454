import type { FlowEdge, Resource, Rule } from "../../contract/index.js";
import type { ClassifierInput, Override } from "../../worker/scope/types.js";
import { edge, infra, ingress, input, NOW, override, resource } from "./builders.js";

/** mulberry32: tiny, seedable, good enough to shake out ordering and edge cases. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const NAMES = ["web", "api", "payments-db", "cardgame", "checkout-svc", "worker", "billing", "discard", "tokenizer", "cache", "report"];
const TAGS: Record<string, string>[] = [
  {}, {}, {}, { "pci:scope": "cde" }, { "PCI-Scope": "out-of-scope" }, { "pci:scope": "bogus" }, { "data-classification": "cardholder" },
  { role: "bastion" }, { role: "dns" }, { function: "siem" }, { role: "patch-mirror" }, { "pci:scope": "connected" }, { owner: "billing" },
];
const KINDS: Resource["kind"][] = ["instance", "instance", "database", "function", "bucket", "container_service", "load_balancer", "nic"];
export const PORTS = [22, 53, 80, 123, 443, 514, 3389, 5432, 8080, 8140, 9200];

export function randomTenant(seed: number, size: number): ClassifierInput & { edges: FlowEdge[] } {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const subnets = Array.from({ length: 1 + Math.floor(size / 8) }, (_, k) => `sn-${k}`);
  const groups = Array.from({ length: 1 + Math.floor(size / 6) }, (_, k) => `sg-${k}`);
  const networks = ["vpc-a", "vpc-b"];
  const resources: Resource[] = [];
  for (let i = 0; i < size; i++) {
    const kind = pick(KINDS);
    resources.push(resource(`r-${seed}-${i}`, {
      kind, ...(kind === "nic" && i > 0 ? { parent: `r-${seed}-${Math.floor(rnd() * i)}` } : {}), name: `${pick(NAMES)}-${i}`, tags: pick(TAGS), subnet: pick(subnets), network: pick(networks),
      groups: rnd() < 0.8 ? [pick(groups)] : [pick(groups), pick(groups)], ip: `10.${Math.floor(rnd() * 3)}.${Math.floor(rnd() * 256)}.${i % 250}`,
    }));
  }
  // Load balancers forward to a random system (an LB in front of a CDE component is in its path).
  for (const r of resources) if (r.kind === "load_balancer") r.attributes = { scheme: "internal", targets: [pick(resources).uid] };
  for (const s of subnets) resources.push(infra(s, "subnet", { network: pick(networks) }));
  for (const g of groups) resources.push(infra(g, "security_group"));
  resources.push(infra("acl-0", "network_acl", { subnets: [subnets[0]!] }), infra("vpc-a", "network"));
  // A duplicate uid now and then.
  if (rnd() < 0.5 && resources.length > 0) resources.push(resources[0]!);

  const rules: Rule[] = [];
  for (const g of groups) {
    const roll = rnd();
    if (roll < 0.2) rules.push(ingress(g, { kind: "group", value: g }, { protocol: "all", from: 0, to: 65535 }));
    else if (roll < 0.5) rules.push(ingress(g, { kind: "group", value: pick(groups) }, { from: pick(PORTS) }));
    else if (roll < 0.6) rules.push(ingress(g, { kind: "cidr", value: `10.${Math.floor(rnd() * 3)}.0.0/16` }));
    else if (roll < 0.65) rules.push(ingress(g, { kind: "cidr", value: "0.0.0.0/0" }));
  }

  const edges: FlowEdge[] = [];
  const systems = resources.slice(0, size);
  for (let k = 0; k < size * 3; k++) {
    const e = edge(pick(systems), pick(systems), {
      port: pick(PORTS), protocol: rnd() < 0.8 ? 6 : 17, action: rnd() < 0.85 ? "accept" : "reject",
      bytes: Math.floor(rnd() * 5) * 100, packets: 1 + Math.floor(rnd() * 3), firstSeen: 1000, lastSeen: 1000 + Math.floor(rnd() * 10),
    });
    if (rnd() < 0.05) delete e.dstUid;
    edges.push(e);
  }

  const overrides: Override[] = [];
  for (let k = 0; k < size / 10; k++) {
    overrides.push(override(pick(systems).uid, pick(["cde", "connected", "security_impacting", "out_of_scope"] as const), {
      createdAt: new Date(NOW - Math.floor(rnd() * 1e9)).toISOString(),
      ...(rnd() < 0.5 ? { expiresAt: new Date(NOW + (rnd() < 0.5 ? -1 : 1) * 1e8).toISOString() } : {}),
    }));
  }
  return { ...input({ resources, rules, edges, overrides }), edges };
}

