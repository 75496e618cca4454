import type { Resource, Rule } from "../../contract/index.js";
import { ipv4ToInt } from "./cidr.js";
import { EdgeTable, FlowEdgeArray, edgeSource, type EdgeSource } from "./edges.js";
import type { ClassifierInput } from "./types.js";

/** Kinds that are network plumbing rather than systems that send or receive traffic. */
const INFRASTRUCTURE_KINDS = new Set<string>([
  "network", "subnet", "security_group", "route_table", "network_acl", "prefix_list", "peering", "firewall",
]);

/** The tenant as integer-indexed arrays: resource i is `resources[i]`. */
export interface ScopeGraph {
  resources: readonly Resource[];
  index: ReadonlyMap<string, number>;
  edges: EdgeSource;
  rulesByOwner: ReadonlyMap<string, readonly Rule[]>;
  /** Resource indices per security group / network uid; built on first use (only configured-path needs them). */
  membersByGroup(): ReadonlyMap<string, readonly number[]>;
  membersByNetwork(): ReadonlyMap<string, readonly number[]>;
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
  const isSystem = new Uint8Array(n);
  for (let i = 0; i < n; i++) isSystem[i] = INFRASTRUCTURE_KINDS.has(resources[i]!.kind) ? 0 : 1;
  const members = (field: "securityGroups" | "networks") => {
    let built: Map<string, number[]> | undefined;
    return () => {
      if (built === undefined) {
        built = new Map();
        for (let i = 0; i < n; i++) for (const key of networkOf(resources[i]!)[field]) push(built, key, i);
      }
      return built;
    };
  };

  const rulesByOwner = new Map<string, Rule[]>();
  for (const rule of input.rules) {
    const list = rulesByOwner.get(rule.ownerUid);
    if (list === undefined) rulesByOwner.set(rule.ownerUid, [rule]);
    else list.push(rule);
  }

  return {
    resources, index, edges: edgeSource(input.edges), rulesByOwner, isSystem,
    membersByGroup: members("securityGroups"), membersByNetwork: members("networks"),
  };
}

/**
 * The flow edges with at least one end in `hot` (a superset of the CDE), with both ends as
 * resource indices (-1: unmapped or unknown). Hashing a uid string is the dominant cost of
 * a pass over a million edges, so this is the only pass that hashes, and it hashes into a
 * map of the few hot uids; the full index is consulted only for edges that matter.
 */
export interface HotEdges {
  count: number;
  edge: Int32Array;
  src: Int32Array;
  dst: Int32Array;
}

/**
 * A 16-bit fingerprint of a uid from its length and last characters (where ids differ),
 * read without hashing the whole string. A table of the hot uids' fingerprints lets most
 * edges be skipped before any Map lookup; a fingerprint hit is then confirmed by the Map.
 */
function fingerprint(uid: string): number {
  const n = uid.length;
  return (n * 40503 + uid.charCodeAt(n - 1) * 8191 + uid.charCodeAt(n - 2) * 131 + uid.charCodeAt(n - 3) * 31 + uid.charCodeAt(n - 4)) & 0xffff;
}

/** Membership test for a few uids, cheap on a miss: a fingerprint table first, the Set only on a fingerprint hit. */
export function uidFilter(uids: Iterable<string>): (uid: string | undefined) => boolean {
  const set = new Set<string>();
  const prints = new Uint8Array(65536);
  for (const u of uids) {
    if (u.length < 4) continue;
    set.add(u);
    prints[fingerprint(u)] = 1;
  }
  const short = new Set<string>([...uids].filter((u) => u.length < 4));
  return (uid) => uid !== undefined && (uid.length < 4 ? short.has(uid) : prints[fingerprint(uid)] === 1 && set.has(uid));
}

export function hotEdges(graph: ScopeGraph, hot: Uint8Array): HotEdges {
  const out = new HotList();
  const edges = graph.edges;
  if (edges instanceof EdgeTable) hotTableEdges(graph, edges, hot, out);
  else if (edges instanceof FlowEdgeArray) hotArrayEdges(graph, edges, hot, out);
  else throw new Error("unsupported edge source");
  return out.done();
}

class HotList {
  cap = 1024;
  count = 0;
  edge = new Int32Array(this.cap);
  src = new Int32Array(this.cap);
  dst = new Int32Array(this.cap);
  push(j: number, s: number, d: number): void {
    if (this.count === this.cap) {
      this.cap *= 2;
      this.edge = grow(this.edge, this.cap);
      this.src = grow(this.src, this.cap);
      this.dst = grow(this.dst, this.cap);
    }
    this.edge[this.count] = j;
    this.src[this.count] = s;
    this.dst[this.count] = d;
    this.count++;
  }
  done(): HotEdges {
    return { count: this.count, edge: this.edge, src: this.src, dst: this.dst };
  }
}

function hotArrayEdges(graph: ScopeGraph, source: FlowEdgeArray, hot: Uint8Array, out: HotList): void {
  const hotIndex = new Map<string, number>();
  const hotPrints = new Uint8Array(65536);
  for (let i = 0; i < hot.length; i++) {
    if (!hot[i]) continue;
    const uid = graph.resources[i]!.uid;
    hotIndex.set(uid, i);
    hotPrints[fingerprint(uid)] = 1;
  }
  if (hotIndex.size === 0) return;
  const { index } = graph;
  const edges = source.edges;
  for (let j = 0; j < edges.length; j++) {
    const e = edges[j]!;
    const su = e.srcUid;
    const du = e.dstUid;
    if (su === undefined || du === undefined) continue;
    const maybeSrc = hotPrints[fingerprint(su)] === 1;
    const maybeDst = hotPrints[fingerprint(du)] === 1;
    if (!maybeSrc && !maybeDst) continue;
    let s = maybeSrc ? hotIndex.get(su) : undefined;
    let d = maybeDst ? hotIndex.get(du) : undefined;
    if (s === undefined && d === undefined) continue;
    s ??= index.get(su);
    d ??= index.get(du);
    if (s === undefined || d === undefined || s === d) continue;
    out.push(j, s, d);
  }
}

/**
 * Resource index per uid id of an edge table (-1: not a resource). The table interns uids,
 * so a pass over its edges needs one Map lookup per distinct uid, none per edge.
 */
export function resourceIndexOfUids(graph: ScopeGraph, table: EdgeTable, known?: Int32Array): Int32Array {
  const uids = table.uidList;
  if (known !== undefined && known.length === uids.length) return known;
  const out = new Int32Array(uids.length);
  const from = known === undefined ? 0 : known.length;
  if (known !== undefined) out.set(known);
  for (let u = from; u < uids.length; u++) out[u] = graph.index.get(uids[u]!) ?? -1;
  return out;
}

function hotTableEdges(graph: ScopeGraph, table: EdgeTable, hot: Uint8Array, out: HotList): void {
  let any = false;
  for (let i = 0; i < hot.length && !any; i++) any = hot[i] === 1;
  if (!any) return;
  const res = resourceIndexOfUids(graph, table);
  const n = table.length;
  for (let j = 0; j < n; j++) {
    const su = table.srcUidIdOf(j);
    const du = table.dstUidIdOf(j);
    if (su < 0 || du < 0) continue;
    const s = res[su]!;
    const d = res[du]!;
    if (s < 0 || d < 0 || s === d || (!hot[s] && !hot[d])) continue;
    out.push(j, s, d);
  }
}

function grow(a: Int32Array, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
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
