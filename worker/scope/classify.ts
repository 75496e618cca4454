import { keywordCandidates, keywordReason, keywordRule, sharedSegmentHits, sharedSegmentRule, type SubnetPeer } from "./cde.js";
import { ControlIndex, configuredPathRule } from "./configured.js";
import { cdeControlRule } from "./controls.js";
import { readDeclared, type Signals } from "./declared.js";
import { NoPathReasons, decideOne, partsOf, type DecideContext, type EdgeFindings } from "./decide.js";
import { EdgeTable, type EdgeSource } from "./edges.js";
import { FlowTally } from "./evidence.js";
import { Findings } from "./findings.js";
import { flowReasonsFor, tallyEdge, tallyFlows, type Tallies } from "./flows.js";
import { buildGraph, hotEdges, resourceIndexOfUids, type ScopeGraph } from "./graph.js";
import { inPathHits, inPathRule } from "./inpath.js";
import { buildNetworkModel, type NetworkModel } from "./reachability/model.js";
import type { ClassifierInput, Reason, ScopeDecision } from "./types.js";

export interface Classification {
  decisions: Map<string, ScopeDecision>;
  /** The network model the decisions were computed with: reuse it for violations and path queries. */
  model: NetworkModel;
}

/**
 * Classify every resource of a tenant (DESIGN §4, docs/scoping-method.md). Pure: the same
 * input gives the same output, with reasons and evidence in a stable order; no I/O, no clock
 * (override expiry uses `input.now`). Runs in Node and in workerd.
 *
 * The CDE is established first (declared → corroborated keywords → shared segments → load
 * balancers and gateways in its path), then one pass over the flow edges, one over the
 * CDE's controls and one reachability pass over the network model place everything around
 * it. Everything is one hop from a confirmed CDE component.
 *
 * Returns one decision per distinct resource uid, in input order.
 */
export function classify(input: ClassifierInput): Map<string, ScopeDecision> {
  return classifyWithModel(input).decisions;
}

export function classifyWithModel(input: ClassifierInput): Classification {
  const { decisions, model } = classifyWithState(input);
  return { decisions, model };
}

/**
 * What a full classification knows that a flows batch cannot change (as long as the
 * confirmed CDE set and "the tenant has flow data" stay as they are): the graph, the
 * network model, declared signals, keyword candidates and their corroboration, the CDE set,
 * shared-segment, in-path, CDE-control and configured-path reasons, the no-path blockers.
 * `reclassifyTouched` decides single resources from it in O(their edges with the CDE).
 */
export interface ClassifierState {
  readonly graph: ScopeGraph;
  readonly model: NetworkModel;
  /** The decisions of every resource, in input order; `reclassifyTouched` patches this map in place. */
  readonly decisions: Map<string, ScopeDecision>;
  /** Confirmed CDE components (per resource index), as decided. */
  readonly cde: Uint8Array;
  /** Whether the tenant had flow data (no_path confidence 0.7 vs 0.5). */
  readonly hasFlows: boolean;
  /** The first instant (Unix ms) after `input.now` at which an override expires: from then on only a full run is right. */
  readonly validUntil: number;
  /** @internal */
  readonly internal: StateInternals;
}

interface StateInternals {
  ctx: DecideContext;
  signals: Signals;
  seed: Uint8Array;
  candidates: Uint8Array;
  corroborated: Uint8Array;
  subnetPeers: Map<number, SubnetPeer>;
  parents: Int32Array;
  /** Resource indices that are parts of each whole. */
  children: Map<number, number[]>;
  /**
   * Per resource index, the edges (ascending) whose other end is a confirmed CDE component,
   * kept for resources outside the CDE and for keyword candidates: the only edges a flows
   * batch can make matter. Appended as edges arrive; an entry may be stale after its edge's
   * uids changed in place (checked on reading).
   */
  adj: (number[] | undefined)[];
  /** How many edges (and relinked-log entries) of the table the adjacency has seen. */
  seenLength: number;
  seenRelinked: number;
  /** Per uid id of `table`: the resource index (-1: none). */
  uidToResource: Int32Array | undefined;
  table: EdgeTable | undefined;
}

/** A full classification that also returns the state for incremental reclassification. */
export function classifyWithState(input: ClassifierInput): Classification & { state: ClassifierState } {
  const graph = buildGraph(input);
  const model = buildNetworkModel({ resources: graph.resources, rules: input.rules, routes: input.routes }, graph);
  const n = graph.resources.length;
  const found = new Findings(n);

  const pre = new Array<Reason[] | undefined>(n);
  found.record = pre;
  const signals = readDeclared(graph, input.overrides, input.now, found);
  found.record = undefined;
  const declaredCde = found.confirmedCde();
  const candidates = keywordCandidates(signals, declaredCde);

  // Everything that could still become CDE: only edges touching these are read again.
  const possibleCde = declaredCde.slice();
  for (let i = 0; i < possibleCde.length; i++) possibleCde[i]! |= candidates[i]!;
  for (const hit of sharedSegmentHits(graph, possibleCde)) possibleCde[hit.i] = 1;
  for (const hit of inPathHits(graph, model, possibleCde)) possibleCde[hit.i] = 1;
  const hot = hotEdges(graph, possibleCde);

  const keyword = keywordRule(graph, hot, declaredCde, candidates, signals, found);
  const mid = new Array<Reason[] | undefined>(n);
  found.record = mid;
  sharedSegmentRule(graph, found);
  inPathRule(graph, model, found);
  found.record = undefined;

  const cde = found.confirmedCde();
  let cdeCount = 0;
  for (let i = 0; i < cde.length; i++) cdeCount += cde[i]!;

  const tallies = tallyFlows(graph, hot, cde, signals);
  const post = new Array<Reason[] | undefined>(n);
  found.record = post;
  cdeControlRule(graph, cde, found);
  const noPath = configuredPathRule(graph, model, cde, found, new ControlIndex(model));
  found.record = undefined;

  const hasFlows = graph.edges.length > 0;
  const ctx: DecideContext = { graph, pre, mid, post, declared: found.declared, blockers: noPath.blockers, noPath: new NoPathReasons(hasFlows, cdeCount) };
  const parents = partsOf(graph);
  const children = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const p = parents[i]!;
    if (p < 0) continue;
    const list = children.get(p);
    if (list === undefined) children.set(p, [i]);
    else list.push(i);
  }

  const list = new Array<ScopeDecision>(n);
  // Parts after wholes, so a part can read its parent's decision.
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < n; i++) {
      const p = parents[i]!;
      if ((p < 0) !== (pass === 0)) continue;
      const t = tallies[i];
      const edgeFound: EdgeFindings = { keyword: keyword.reasons.get(i), flows: flowReasonsFor(graph, graph.edges, i, t, signals), rejected: t?.rejected };
      list[i] = decideOne(ctx, graph.edges, i, edgeFound, p >= 0 ? list[p] : undefined);
    }
  }
  const decisions = new Map<string, ScopeDecision>();
  for (let i = 0; i < n; i++) decisions.set(list[i]!.uid, list[i]!);

  const adj = new Array<number[] | undefined>(n);
  for (let k = 0; k < hot.count; k++) {
    const s = hot.src[k]!;
    const d = hot.dst[k]!;
    const j = hot.edge[k]!;
    if (cde[d] && (!cde[s] || candidates[s])) (adj[s] ??= []).push(j);
    if (cde[s] && (!cde[d] || candidates[d])) (adj[d] ??= []).push(j);
  }
  const table = graph.edges instanceof EdgeTable ? graph.edges : undefined;
  let validUntil = Number.POSITIVE_INFINITY;
  for (const o of input.overrides) {
    const expires = o.expiresAt === undefined ? Number.NaN : Date.parse(o.expiresAt);
    if (expires > input.now && expires < validUntil) validUntil = expires;
  }
  const state: ClassifierState = {
    graph, model, decisions, cde, hasFlows, validUntil,
    internal: {
      ctx, signals, seed: declaredCde, candidates, corroborated: keyword.corroborated, subnetPeers: keyword.subnetPeers,
      parents, children, adj, seenLength: graph.edges.length, seenRelinked: table?.relinked.length ?? 0,
      uidToResource: table === undefined ? undefined : resourceIndexOfUids(graph, table), table,
    },
  };
  return { decisions, model, state };
}

/**
 * The state for `reclassifyTouched` (a full classification: its decisions are `state.decisions`).
 * Pass the edges as an `EdgeTable` if flow batches will be applied incrementally.
 */
export function prepareClassification(input: ClassifierInput): ClassifierState {
  return classifyWithState(input).state;
}

export type ReclassifyResult =
  | {
      fullRequired: false;
      /** The new decisions of the touched resources (and of the parts of those), also written into `state.decisions`. */
      decisions: Map<string, ScopeDecision>;
    }
  | {
      /** A tenant-wide input changed: run `classifyWithState` again. Nothing was changed. */
      fullRequired: true;
      /**
       * `cde_changed`: a keyword candidate gained or lost its corroboration; `flow_data`: the
       * tenant went from no flow edges to some (or back); `override_expired`: `now` reached `state.validUntil`.
       */
      why: "cde_changed" | "flow_data" | "override_expired";
      decisions?: undefined;
    };

/**
 * Re-decides only the resources a flows batch touched, in O(new edges + the touched
 * resources' edges with the CDE), against the
 * state of the last full classification. `edges` is every current edge of the tenant: the
 * same `EdgeTable` the state was prepared with (or one with the same edges in the same
 * order), after the batch was pushed / set into it. `touched` is every uid at either end of
 * every added or changed edge, before and after the change (`EdgeTable.push/set` collect
 * them). Resources, rules, routes and overrides must be those of the state; `now` (Unix ms,
 * default: the state's) only checks that no override has expired since.
 *
 * For every uid, the result equals a full classification of the tenant after the batch
 * (same decisions, byte for byte), unless `fullRequired` says a full one is needed.
 */
export function reclassifyTouched(state: ClassifierState, edges: EdgeTable, touched: Iterable<string>, now?: number): ReclassifyResult {
  const { graph } = state;
  const x = state.internal;
  if (now !== undefined && now >= state.validUntil) return { fullRequired: true, why: "override_expired" };
  if ((edges.length > 0) !== state.hasFlows) return { fullRequired: true, why: "flow_data" };
  syncAdjacency(state, edges);

  const wholes: number[] = [];
  const seen = new Set<number>();
  for (const uid of touched) {
    const i = graph.index.get(uid);
    if (i === undefined || seen.has(i)) continue;
    seen.add(i);
    wholes.push(i);
  }
  // A candidate whose corroboration changes changes the CDE set: only a full run can follow that.
  const inbound = new Map<number, FlowTally | undefined>();
  for (const i of wholes) {
    if (!x.candidates[i]) continue;
    const t = inboundFromSeed(state, edges, i);
    inbound.set(i, t);
    const now = t !== undefined || x.subnetPeers.has(i) ? 1 : 0;
    if (now !== x.corroborated[i]) return { fullRequired: true, why: "cde_changed" };
  }
  for (const i of wholes) {
    const parts = x.children.get(i);
    if (parts !== undefined) for (const c of parts) seen.add(c);
  }
  const order = [...seen].sort((a, b) => a - b);
  const out = new Map<string, ScopeDecision>();
  // Parts after wholes, so a part reads its parent's new decision.
  for (let pass = 0; pass < 2; pass++) {
    for (const i of order) {
      const p = x.parents[i]!;
      if ((p < 0) !== (pass === 0)) continue;
      const t = state.cde[i] ? undefined : talliesOf(state, edges, i);
      const keyword = x.candidates[i] ? keywordReason(graph, edges, i, x.signals.keyword[i]!, inbound.has(i) ? inbound.get(i) : inboundFromSeed(state, edges, i), x.subnetPeers.get(i)) : undefined;
      const parent = p >= 0 ? state.decisions.get(graph.resources[p]!.uid) : undefined;
      const d = decideOne(x.ctx, edges, i, { keyword, flows: flowReasonsFor(graph, edges, i, t, x.signals), rejected: t?.rejected }, parent);
      out.set(d.uid, d);
      state.decisions.set(d.uid, d);
    }
  }
  return { fullRequired: false, decisions: out };
}

/** Brings the CDE adjacency up to date with the table: edges appended since, and edges whose uids changed in place. */
function syncAdjacency(state: ClassifierState, edges: EdgeTable): void {
  const x = state.internal;
  if (x.table !== edges) {
    // Another table object (the state was prepared from FlowEdge[], or the caller rebuilt it): same edges in the same order, its own log.
    x.table = edges;
    x.uidToResource = undefined;
    x.seenRelinked = 0;
  }
  const res = (x.uidToResource = resourceIndexOfUids(state.graph, edges, x.uidToResource));
  const link = (j: number, sorted: boolean): void => {
    const su = edges.srcUidIdOf(j);
    const du = edges.dstUidIdOf(j);
    if (su < 0 || du < 0) return;
    const s = res[su]!;
    const d = res[du]!;
    if (s < 0 || d < 0 || s === d) return;
    const { cde } = state;
    if (cde[d] && (!cde[s] || x.candidates[s])) addEdge(x.adj, s, j, sorted);
    if (cde[s] && (!cde[d] || x.candidates[d])) addEdge(x.adj, d, j, sorted);
  };
  for (let j = x.seenLength; j < edges.length; j++) link(j, false);
  x.seenLength = edges.length;
  const log = edges.relinked;
  for (let k = x.seenRelinked; k < log.length; k++) link(log[k]!, true);
  x.seenRelinked = log.length;
}

function addEdge(adj: (number[] | undefined)[], i: number, j: number, sorted: boolean): void {
  const list = (adj[i] ??= []);
  if (!sorted || list.length === 0 || list[list.length - 1]! < j) {
    if (list.length === 0 || list[list.length - 1]! !== j) list.push(j);
    return;
  }
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < j) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo] !== j) list.splice(lo, 0, j);
}

/**
 * Calls `visit(j, s, d)` for each edge of resource `i` with a CDE end, ascending, with both
 * ends as resource indices as the edge is now (entries left stale by a relinked edge are skipped).
 */
function forCdeEdgesOf(state: ClassifierState, edges: EdgeTable, i: number, visit: (j: number, s: number, d: number) => void): void {
  const list = state.internal.adj[i];
  if (list === undefined) return;
  const res = state.internal.uidToResource!;
  for (const j of list) {
    const su = edges.srcUidIdOf(j);
    const du = edges.dstUidIdOf(j);
    if (su < 0 || du < 0) continue;
    const s = res[su]!;
    const d = res[du]!;
    if (s === d || (s !== i && d !== i) || s < 0 || d < 0) continue;
    visit(j, s, d);
  }
}

function inboundFromSeed(state: ClassifierState, edges: EdgeTable, i: number): FlowTally | undefined {
  const seed = state.internal.seed;
  let t: FlowTally | undefined;
  forCdeEdgesOf(state, edges, i, (j, s, d) => {
    if (d !== i || !seed[s] || !edges.accepted(j)) return;
    (t ??= new FlowTally()).add(edges, j);
  });
  return t;
}

function talliesOf(state: ClassifierState, edges: EdgeTable, i: number): Tallies | undefined {
  const cde = state.cde;
  const role = state.internal.signals.role[i];
  let t: Tallies | undefined;
  forCdeEdgesOf(state, edges, i, (j, s, d) => {
    const cs = cde[s]!;
    if (cs === cde[d]) return;
    if ((cs ? d : s) !== i) return;
    tallyEdge((t ??= {}), edges, j, cs === 1, role);
  });
  return t;
}

/**
 * Tenant-wide figures that no per-resource decision quotes (so that a new edge elsewhere
 * does not rewrite every decision): show them once per classification, next to the decisions.
 */
export interface TenantContext {
  flowEdges: number;
  /** Edges with both ends mapped to resources. */
  mappedEdges: number;
  cdeComponents: number;
  /** Groups of CDE components by subnet, network and security groups (configured-path analysis works per group). */
  cdeGroups: number;
  hasFlowData: boolean;
  /** One line for a report: what out_of_scope.no_path checked, with the counts. */
  checked: string;
}

export function tenantContext(state: ClassifierState, edges: EdgeSource | readonly unknown[] = state.graph.edges): TenantContext {
  const n = edges.length;
  let mapped = 0;
  if (edges instanceof EdgeTable) {
    for (let j = 0; j < n; j++) if (edges.srcUidIdOf(j) >= 0 && edges.dstUidIdOf(j) >= 0) mapped++;
  } else if ("srcUid" in edges) {
    for (let j = 0; j < n; j++) if (edges.srcUid(j) !== undefined && edges.dstUid(j) !== undefined) mapped++;
  } else {
    for (const e of edges as readonly { srcUid?: string; dstUid?: string }[]) if (e.srcUid !== undefined && e.dstUid !== undefined) mapped++;
  }
  let cdeComponents = 0;
  for (let i = 0; i < state.cde.length; i++) cdeComponents += state.cde[i]!;
  const groups = new Set<string>();
  for (let i = 0; i < state.cde.length; i++) {
    if (!state.cde[i] || !state.graph.isSystem[i]) continue;
    const net = state.graph.resources[i]!.network;
    groups.add(`${net?.subnets[0] ?? ""}\u0000${net?.networks[0] ?? ""}\u0000${(net?.securityGroups ?? []).join("\u0002")}`);
  }
  return {
    flowEdges: n, mappedEdges: mapped, cdeComponents, cdeGroups: groups.size, hasFlowData: n > 0,
    checked: cdeComponents === 0
      ? "confirmed CDE components in the tenant: none identified yet"
      : `accepted flow edges with any of the ${cdeComponents} confirmed CDE components, over ${n} flow edges (${mapped} with both ends mapped); configured paths to or from ${groups.size} group${groups.size === 1 ? "" : "s"} of CDE components`,
  };
}

export { EdgeTable, type EdgeSource } from "./edges.js";
export { RULES, type RuleId } from "./catalog.js";
export { SCOPE_PRECEDENCE } from "./types.js";
export type { ClassifierInput, Evidence, Override, Reason, Scope, ScopeDecision } from "./types.js";
