import { addBoundaryEdge, boundaryOf, byKey, cdeEndFilter, diffScans, isCde, scanSnapshot, snapshotDecision, type BoundaryFlow, type DriftEvent, type ScanSnapshot } from "./drift.js";
import { edgeSource, type EdgeSource } from "./edges.js";
import { FlowTally } from "./evidence.js";
import { uidFilter } from "./graph.js";
import type { NetworkModel } from "./reachability/model.js";
import type { ClassifierInput, ScopeDecision } from "./types.js";
import { compareViolations, decisionViolation, findViolations, unmappedGroupOf, unmappedViolation, type Violation } from "./violations.js";

/**
 * What is derived from a classification — segmentation violations (violations.ts) and the
 * drift snapshot (drift.ts) — kept with the indexes that let a flows batch re-derive only
 * what it can change (DESIGN §7: incremental work per batch).
 *
 * A flows batch leaves resources, rules, routes, the network model and (when the classifier
 * could re-decide incrementally) the confirmed CDE set as they were. Then only these can change:
 * the violation a re-decided resource carries on its own; the unmapped_ip_to_cde groups and
 * boundary flows that a changed edge leaves or joins; boundary flows whose other end was
 * re-decided to another scope; the snapshot decisions of re-decided resources.
 */
export interface DerivedState {
  readonly model: NetworkModel;
  /** Confirmed CDE components (scope cde at CONFIRMED confidence), as the decisions say. */
  readonly cde: ReadonlySet<string>;
  /** internet_to_cde (and anything else that depends only on the CDE set and the model): unchanged by flows. */
  readonly fixed: readonly Violation[];
  /** uid → the violation its decision carries (flow_ / path_cde_out_of_scope). */
  readonly byDecision: Map<string, Violation>;
  /** unmapped_ip_to_cde groups (`cdeUid \0 ip`): their edges, ascending, and the violation they make. */
  readonly unmapped: Map<string, { cdeUid: string; ip: string; edges: number[]; violation: Violation | undefined }>;
  readonly unmappedAt: Map<number, string>;
  /** Boundary flows by key: their edges, ascending, and the other end's uid. */
  readonly boundary: Map<string, { otherUid: string | undefined; edges: number[] }>;
  readonly boundaryAt: Map<number, string>;
  /** Boundary flow keys by the uid at their other end. */
  readonly boundaryByOther: Map<string, Set<string>>;
  /** The snapshot, kept current: `rederiveTouched` updates it in place. */
  readonly snapshot: ScanSnapshot;
  /** Boundary flows of `snapshot`, by key (the same objects). */
  readonly flows: Map<string, BoundaryFlow>;
  /** uid → position in `snapshot.decisions`. */
  readonly decisionAt: Map<string, number>;
  /** @internal */
  readonly isCdeUid: (uid: string | undefined) => boolean;
}

export interface Derived {
  violations: Violation[];
  snapshot: ScanSnapshot;
  state: DerivedState;
}

/**
 * `findViolations` and `scanSnapshot` of a classification (the same values, computed by the
 * same functions), plus the state `rederiveTouched` needs: one more pass over the edges,
 * reading strings only for edges with a CDE end.
 */
export function deriveWithState(input: ClassifierInput, decisions: ReadonlyMap<string, ScopeDecision>, model: NetworkModel, o: { stale?: readonly string[] } = {}): Derived {
  const violations = findViolations(input, decisions, model);
  const snapshot = scanSnapshot(input, decisions, o);
  const cde = new Set<string>();
  for (const d of decisions.values()) if (isCde(d)) cde.add(d.uid);
  const isCdeUid = uidFilter(cde);
  const byDecision = new Map<string, Violation>();
  const unmappedFound = new Map<string, Violation>();
  const fixed: Violation[] = [];
  for (const v of violations) {
    if (v.kind === "flow_cde_out_of_scope" || v.kind === "path_cde_out_of_scope") byDecision.set(v.subjects[0]!, v);
    else if (v.kind === "unmapped_ip_to_cde") unmappedFound.set(`${v.subjects[0]!}\u0000${v.subjects[1]!.slice(3)}`, v);
    else fixed.push(v);
  }
  const state: DerivedState = {
    model, cde, fixed, byDecision, unmapped: new Map(), unmappedAt: new Map(), boundary: new Map(), boundaryAt: new Map(), boundaryByOther: new Map(),
    snapshot, flows: new Map(snapshot.boundaryFlows.map((f) => [f.key, f])), decisionAt: new Map(snapshot.decisions.map((d, k) => [d.uid, k])), isCdeUid,
  };
  if (cde.size > 0) {
    const edges = edgeSource(input.edges);
    const maybe = cdeEndFilter(edges, isCdeUid);
    for (let j = 0; j < edges.length; j++) {
      if (!maybe(j)) continue;
      const g = unmappedGroupOf(edges, j, isCdeUid);
      if (g !== undefined) joinGroup(state, g, j);
      const b = boundaryOf(edges, j, isCdeUid);
      if (b !== undefined) joinBoundary(state, b.key, b.otherUid, j);
    }
  }
  for (const [key, g] of state.unmapped) g.violation = unmappedFound.get(key);
  return { violations, snapshot, state };
}

function joinGroup(state: DerivedState, g: { key: string; cdeUid: string; ip: string }, j: number): void {
  let held = state.unmapped.get(g.key);
  if (held === undefined) state.unmapped.set(g.key, (held = { cdeUid: g.cdeUid, ip: g.ip, edges: [], violation: undefined }));
  insertSorted(held.edges, j);
  state.unmappedAt.set(j, g.key);
}

function joinBoundary(state: DerivedState, key: string, otherUid: string | undefined, j: number): void {
  let held = state.boundary.get(key);
  if (held === undefined) {
    state.boundary.set(key, (held = { otherUid, edges: [] }));
    if (otherUid !== undefined) {
      let keys = state.boundaryByOther.get(otherUid);
      if (keys === undefined) state.boundaryByOther.set(otherUid, (keys = new Set()));
      keys.add(key);
    }
  }
  insertSorted(held.edges, j);
  state.boundaryAt.set(j, key);
}

function leaveBoundary(state: DerivedState, key: string, j: number): void {
  const held = state.boundary.get(key)!;
  removeSorted(held.edges, j);
  state.boundaryAt.delete(j);
  if (held.edges.length > 0) return;
  state.boundary.delete(key);
  if (held.otherUid !== undefined) {
    const keys = state.boundaryByOther.get(held.otherUid)!;
    keys.delete(key);
    if (keys.size === 0) state.boundaryByOther.delete(held.otherUid);
  }
}

function insertSorted(list: number[], j: number): void {
  if (list.length === 0 || list[list.length - 1]! < j) {
    list.push(j);
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

function removeSorted(list: number[], j: number): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < j) lo = mid + 1;
    else hi = mid;
  }
  if (list[lo] === j) list.splice(lo, 1);
}

/** Every violation the state holds now, in findViolations' order (what a full run would find). */
export function currentViolations(state: DerivedState): Violation[] {
  const out: Violation[] = [...state.byDecision.values(), ...state.fixed];
  for (const g of state.unmapped.values()) if (g.violation !== undefined) out.push(g.violation);
  return out.sort(compareViolations);
}

export type RederiveResult =
  | {
      /** A re-decided resource entered or left the confirmed CDE: derive in full. Nothing was changed. */
      fullRequired: true;
    }
  | {
      fullRequired: false;
      /** Violations found now that are new or whose content changed (sorted as findViolations), and ids no longer found. */
      violations: { upsert: Violation[]; gone: string[] };
      /** Snapshot items that changed (also applied to `state.snapshot`), and boundary flow keys gone. */
      snapshot: { decisions: ScanSnapshot["decisions"]; boundaryFlows: BoundaryFlow[]; removedFlows: string[] };
      /** What `diffScans(previous snapshot, new snapshot)` gives. */
      events: DriftEvent[];
    };

/**
 * Re-derives violations, the drift snapshot and drift events after a flows batch that the
 * classifier applied incrementally. `decisions` are all current decisions (after the batch),
 * `redecided` those `reclassifyTouched` returned, `changedEdges` the index of every edge
 * appended or replaced since the state was derived, `edges` the same edges (in the same
 * order) the state was derived from, with those changes. Resources, rules, routes and
 * overrides must be unchanged. O(changed edges + the edges of the groups and boundary flows
 * they touch + the boundary flows of re-decided resources).
 *
 * Afterwards the state equals `deriveWithState` of the tenant after the batch.
 */
export function rederiveTouched(
  state: DerivedState,
  edges: EdgeSource,
  decisions: ReadonlyMap<string, ScopeDecision>,
  redecided: ReadonlyMap<string, ScopeDecision>,
  changedEdges: Iterable<number>,
): RederiveResult {
  for (const d of redecided.values()) {
    if (isCde(d) !== state.cde.has(d.uid) || !state.decisionAt.has(d.uid)) return { fullRequired: true };
  }
  const { isCdeUid, snapshot } = state;
  const groups = new Set<string>();
  const keys = new Set<string>();
  const changed = [...new Set(changedEdges)].sort((a, b) => a - b);
  if (state.cde.size > 0) {
    for (const j of changed) {
      const oldG = state.unmappedAt.get(j);
      const g = unmappedGroupOf(edges, j, isCdeUid);
      if (oldG !== undefined) groups.add(oldG);
      if (g !== undefined) groups.add(g.key);
      if (oldG !== g?.key) {
        if (oldG !== undefined) {
          removeSorted(state.unmapped.get(oldG)!.edges, j);
          state.unmappedAt.delete(j);
        }
        if (g !== undefined) joinGroup(state, g, j);
      }
      const oldK = state.boundaryAt.get(j);
      const b = boundaryOf(edges, j, isCdeUid);
      if (oldK !== undefined) keys.add(oldK);
      if (b !== undefined) keys.add(b.key);
      if (oldK !== b?.key) {
        if (oldK !== undefined) leaveBoundary(state, oldK, j);
        if (b !== undefined) joinBoundary(state, b.key, b.otherUid, j);
      }
    }
  }

  // Violations a decision carries on its own.
  const upsert: Violation[] = [];
  const gone: string[] = [];
  const swap = (before: Violation | undefined, after: Violation | undefined) => {
    if (before !== undefined && before.id !== after?.id) gone.push(before.id);
    if (after !== undefined && (before === undefined || before.id !== after.id || JSON.stringify(before) !== JSON.stringify(after))) upsert.push(after);
  };
  for (const d of redecided.values()) {
    const before = state.byDecision.get(d.uid);
    const after = decisionViolation(d);
    if (after === undefined) state.byDecision.delete(d.uid);
    else state.byDecision.set(d.uid, after);
    swap(before, after);
  }
  for (const key of groups) {
    const g = state.unmapped.get(key)!;
    const before = g.violation;
    let after: Violation | undefined;
    if (g.edges.length === 0) state.unmapped.delete(key);
    else {
      const t = new FlowTally();
      for (const j of g.edges) t.add(edges, j);
      after = g.violation = unmappedViolation(edges, g.cdeUid, g.ip, t, state.model);
    }
    swap(before, after);
  }

  // Snapshot decisions, and boundary flows whose other end changed scope.
  const beforeDecisions: ScanSnapshot["decisions"] = [];
  const afterDecisions: ScanSnapshot["decisions"] = [];
  for (const d of redecided.values()) {
    const k = state.decisionAt.get(d.uid)!;
    const before = snapshot.decisions[k]!;
    const after = snapshotDecision(d);
    if (before.scope === after.scope && before.confidence === after.confidence && before.rule === after.rule) continue;
    snapshot.decisions[k] = after;
    beforeDecisions.push(before);
    afterDecisions.push(after);
    if (before.scope !== after.scope) for (const key of state.boundaryByOther.get(d.uid) ?? []) keys.add(key);
  }
  const beforeFlows: BoundaryFlow[] = [];
  const afterFlows: BoundaryFlow[] = [];
  const removedFlows: string[] = [];
  for (const key of keys) {
    const before = state.flows.get(key);
    const held = state.boundary.get(key);
    let after: BoundaryFlow | undefined;
    if (held !== undefined) {
      const one = new Map<string, BoundaryFlow>();
      for (const j of held.edges) addBoundaryEdge(one, edges, j, boundaryOf(edges, j, isCdeUid)!, decisions);
      after = one.get(key)!;
    }
    if (before !== undefined) beforeFlows.push(before);
    if (after === undefined) {
      if (before !== undefined) {
        state.flows.delete(key);
        removedFlows.push(key);
      }
      continue;
    }
    afterFlows.push(after);
    if (before !== undefined && JSON.stringify(before) === JSON.stringify(after)) continue;
    state.flows.set(key, after);
  }
  const changedFlows = afterFlows.filter((f) => state.flows.get(f.key) === f);
  if (changedFlows.length > 0 || removedFlows.length > 0) snapshot.boundaryFlows = [...state.flows.values()].sort(byKey);

  const events = diffScans(
    { resources: [], decisions: beforeDecisions, cdeControls: [], boundaryFlows: beforeFlows, stale: [] },
    { resources: [], decisions: afterDecisions, cdeControls: [], boundaryFlows: afterFlows, stale: [] },
  );
  return {
    fullRequired: false,
    violations: { upsert: upsert.sort(compareViolations), gone },
    snapshot: { decisions: afterDecisions, boundaryFlows: changedFlows, removedFlows },
    events,
  };
}
