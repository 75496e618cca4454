import type { FlowEdge, Resource, Rule } from "../../contract/index.js";
import { ipv4ToInt } from "./cidr.js";
import type { ClassifierInput } from "./types.js";

/** Kinds that are network plumbing rather than systems that send or receive traffic. */
const INFRASTRUCTURE_KINDS = new Set<string>([
  "network", "subnet", "security_group", "route_table", "network_acl", "prefix_list", "peering", "firewall",
]);

/**
 * The tenant as integer-indexed arrays: resource i is `resources[i]`, edge j runs from
 * resource `src[j]` to `dst[j]` (-1 where the address maps to no known resource).
 * Every later pass works on these indices, so no uid string is hashed twice per edge.
 */
export interface ScopeGraph {
  resources: readonly Resource[];
  index: ReadonlyMap<string, number>;
  edges: readonly FlowEdge[];
  src: Int32Array;
  dst: Int32Array;
  rulesByOwner: ReadonlyMap<string, readonly Rule[]>;
  membersByGroup: ReadonlyMap<string, readonly number[]>;
  membersBySubnet: ReadonlyMap<string, readonly number[]>;
  membersByNetwork: ReadonlyMap<string, readonly number[]>;
  /** Resources that are systems (send/receive traffic), not network plumbing. */
  isSystem: Uint8Array;
}

export function networkOf(r: Resource): Resource["network"] {
  return r.network ?? { networks: [], subnets: [], securityGroups: [], privateIps: [], publicIps: [] };
}

function push(map: Map<string, number[]>, key: string, i: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [i]);
  else if (list[list.length - 1] !== i) list.push(i);
}

export function buildGraph(input: ClassifierInput): ScopeGraph {
  const resources: Resource[] = [];
  const index = new Map<string, number>();
  // A uid listed twice keeps its first occurrence: one resource, one decision.
  for (const r of input.resources) {
    if (index.has(r.uid)) continue;
    index.set(r.uid, resources.length);
    resources.push(r);
  }
  const n = resources.length;
  const membersByGroup = new Map<string, number[]>();
  const membersBySubnet = new Map<string, number[]>();
  const membersByNetwork = new Map<string, number[]>();
  const isSystem = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const r = resources[i]!;
    const net = networkOf(r);
    isSystem[i] = INFRASTRUCTURE_KINDS.has(r.kind) ? 0 : 1;
    for (const g of net.securityGroups) push(membersByGroup, g, i);
    for (const s of net.subnets) push(membersBySubnet, s, i);
    for (const v of net.networks) push(membersByNetwork, v, i);
  }

  const rulesByOwner = new Map<string, Rule[]>();
  for (const rule of input.rules) {
    const list = rulesByOwner.get(rule.ownerUid);
    if (list === undefined) rulesByOwner.set(rule.ownerUid, [rule]);
    else list.push(rule);
  }

  const edges = input.edges;
  const m = edges.length;
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  for (let j = 0; j < m; j++) {
    const e = edges[j]!;
    src[j] = e.srcUid === undefined ? -1 : (index.get(e.srcUid) ?? -1);
    dst[j] = e.dstUid === undefined ? -1 : (index.get(e.dstUid) ?? -1);
  }

  return { resources, index, edges, src, dst, rulesByOwner, membersByGroup, membersBySubnet, membersByNetwork, isSystem };
}

/**
 * Private IPv4 addresses of systems, sorted, for "which resources does this CIDR contain".
 * Packed as ip * 2^21 + resource index in a Float64Array (exact below 2^53) so the sort is
 * a typed-array numeric sort with no objects. Built only when a CDE rule needs it.
 */
export class AddressIndex {
  private readonly packed: Float64Array;
  private static readonly SHIFT = 2 ** 21;

  constructor(graph: ScopeGraph) {
    const values: number[] = [];
    const n = graph.resources.length;
    if (n >= AddressIndex.SHIFT) throw new Error("AddressIndex supports at most 2^21 resources");
    for (let i = 0; i < n; i++) {
      if (!graph.isSystem[i]) continue;
      for (const ip of networkOf(graph.resources[i]!).privateIps) {
        const v = ipv4ToInt(ip);
        if (v >= 0) values.push(v * AddressIndex.SHIFT + i);
      }
    }
    this.packed = Float64Array.from(values).sort();
  }

  /** Resource indices with a private address in [first, last], in address order, each once. */
  within(first: number, last: number): number[] {
    const lo = first * AddressIndex.SHIFT;
    const hi = (last + 1) * AddressIndex.SHIFT;
    let a = 0;
    let b = this.packed.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (this.packed[mid]! < lo) a = mid + 1;
      else b = mid;
    }
    const out: number[] = [];
    const seen = new Set<number>();
    for (let k = a; k < this.packed.length && this.packed[k]! < hi; k++) {
      const i = this.packed[k]! % AddressIndex.SHIFT;
      if (!seen.has(i)) {
        seen.add(i);
        out.push(i);
      }
    }
    return out;
  }
}
