import { classifyWithState, reclassifyTouched } from "../../scope/classify.js";
import { deriveWithState, rederiveTouched, type RederiveResult } from "../../scope/derived.js";
import { diffScans, type DriftEvent } from "../../scope/drift.js";
import type { NetworkModel } from "../../scope/reachability/index.js";
import type { ClassifierInput, Reason, Scope, ScopeDecision } from "../../scope/types.js";
import type { Violation } from "../../scope/violations.js";
import { recordDrift } from "./drift.js";
import { setEndpointScope } from "./edge-scopes.js";
import { hashText, type TenantGraph } from "./graph.js";
import type { ClassificationTimings, DriftCause, DriftEventView, ScopeSummary } from "./interface.js";
import { sameJson } from "./same-json.js";
import { SHARED_REASONS, writeMeta } from "./schema.js";
import type { StoredSnapshot } from "./snapshot.js";
import { syncViolationChanges, syncViolations, type ViolationChanges } from "./violations.js";

/** Everything one classification produced, for the object's caches and its live channel. */
export interface Classified {
  timings: ClassificationTimings;
  /** The network model of the classified resources, rules and routes (path and exposure queries reuse it). */
  model: NetworkModel;
  snapshot: StoredSnapshot;
  drift: DriftEventView[];
  violations: ViolationChanges;
  summary: ScopeSummary;
}

export interface ClassifyContext {
  /** The drift snapshot of the previous classification. */
  snapshot: StoredSnapshot;
  cause: DriftCause;
  /** Set when a scan commit is what this classification follows. */
  scanId: string | null;
}

/**
 * Runs the pure classifier over the in-memory graph and writes back only the decisions that
 * changed, with the summary, in one transaction: readers see the old or the new
 * classification, never a mix. The graph's copy of the stored decisions follows only once
 * the transaction has committed.
 */
export function classifyGraph(
  storage: DurableObjectStorage,
  graph: TenantGraph,
  now: number,
  mode: "full" | "cached",
  loadMs: number,
  context: ClassifyContext,
): Classified {
  const sql = storage.sql;
  const t1 = Date.now();
  // Incremental when only flows changed since the last full run of this graph, and no override
  // expired in between (the one thing `now` decides): the touched uids are re-decided against
  // the kept state; the classifier says when a full run is needed instead (the CDE set moved).
  let incremental: ReadonlyMap<string, ScopeDecision> | undefined;
  let runMode: ClassificationTimings["mode"] = mode;
  // The decisions stored now, as objects; until this run's are stored there are none (an
  // incremental run below patches that map in place).
  const previous = graph.storedDecisions;
  graph.storedDecisions = null;
  const state = graph.state;
  if (state !== null && mode === "cached" && !overrideExpiredSince(graph, graph.stateNow, now)) {
    const r = reclassifyTouched(state, graph.edges, graph.touched);
    if (!r.fullRequired) {
      incremental = r.decisions;
      runMode = "incremental";
    }
  }
  const input: ClassifierInput = {
    resources: graph.resourceArray(), rules: graph.rules, routes: graph.routes, edges: graph.edges, overrides: [...graph.overrides.values()],
    now: incremental !== undefined ? graph.stateNow : now,
  };
  let decisions: ReadonlyMap<string, ScopeDecision>;
  let model: NetworkModel;
  let nextState = state;
  let nextStateNow = graph.stateNow;
  if (incremental !== undefined) {
    decisions = state!.decisions;
    model = state!.model;
  } else {
    const full = classifyWithState(input);
    decisions = full.decisions;
    model = full.model;
    nextState = full.state;
    nextStateNow = now;
  }
  // The state now holds decisions not yet stored: if anything below throws, the next
  // classification must be a full one (and so must the derivation: it is patched in place).
  graph.state = null;
  const derivedBefore = graph.derived;
  graph.derived = null;
  const tc = Date.now();
  // Derived from the same decisions and model, stored in the same transaction: readers never
  // see violations or drift of another classification than the decisions. After an
  // incremental classification only what the batch can change is re-derived (worker/scope/derived.ts),
  // against the derivation this graph stored last (the same snapshot object as the stored one).
  let re: RederiveResult | undefined;
  if (incremental !== undefined && derivedBefore !== null && derivedBefore.snapshot === context.snapshot.snapshot) {
    re = rederiveTouched(derivedBefore, graph.edges, decisions, incremental, graph.changedEdges);
  }
  let derived = derivedBefore;
  let found: Violation[] | undefined;
  let events: DriftEvent[];
  if (re !== undefined && !re.fullRequired) events = re.events;
  else {
    const full = deriveWithState(input, decisions, model, { stale: [...graph.stale] });
    derived = full.state;
    found = full.violations;
    events = diffScans(context.snapshot.snapshot, full.snapshot);
  }
  const t2 = Date.now();

  let shared: Reason | undefined;
  const upserts: { uid: string; scope: Scope; confidence: number; text: string; hash: number; scopeChanged: boolean }[] = [];
  // Incremental: only the re-decided rows can differ, and only the stored shared reason may be referred to.
  const isSharedReason = new Map<Reason, boolean>();
  for (const d of (incremental ?? decisions).values()) {
    const only = d.reasons.length === 1 ? d.reasons[0]! : undefined;
    let text: string;
    if (incremental !== undefined) {
      // The shared reason is one frozen object for every decision that carries it: compare its text once per object.
      let isShared = false;
      if (only !== undefined && Object.isFrozen(only) && graph.sharedReason !== null) {
        isShared = isSharedReason.get(only) ?? (JSON.stringify(only) === graph.sharedReason);
        isSharedReason.set(only, isShared);
      }
      text = isShared ? SHARED_REASONS : JSON.stringify(d.reasons);
    } else if (only !== undefined && Object.isFrozen(only) && (shared === undefined || shared === only)) {
      shared = only;
      text = SHARED_REASONS;
    } else {
      // A full run re-decides everything, but most decisions come out as they were: when the
      // stored row is the previous run's decision (kept state) with the same reasons, skip
      // building and hashing its text (the cost of a full run's write; a cold object hashes all).
      const before = previous?.get(d.uid);
      if (before !== undefined && !sharedCandidate(before) && !sharedCandidate(d) && before.scope === d.scope && before.confidence === d.confidence) {
        const prev = graph.decisions.get(d.uid);
        if (prev !== undefined && prev.scope === d.scope && prev.confidence === d.confidence && sameJson(before.reasons, d.reasons)) continue;
      }
      text = JSON.stringify(d.reasons);
    }
    const hash = hashText(text);
    const prev = graph.decisions.get(d.uid);
    if (prev && prev.scope === d.scope && prev.confidence === d.confidence && prev.hash === hash && prev.length === text.length) continue;
    upserts.push({ uid: d.uid, scope: d.scope, confidence: d.confidence, text, hash, scopeChanged: prev?.scope !== d.scope });
  }
  const removed: string[] = [];
  if (incremental === undefined) for (const uid of graph.decisions.keys()) if (!decisions.has(uid)) removed.push(uid);
  const sharedText = shared === undefined ? null : JSON.stringify(shared);

  let snapshot = context.snapshot;
  let drift: DriftEventView[] = [];
  let violations: ViolationChanges = { opened: [], resolved: [] };
  const tw = Date.now();
  let td = tw;
  let tx = tw;
  storage.transactionSync(() => {
    for (const u of upserts) {
      sql.exec(
        "INSERT INTO decisions (uid, scope, confidence, reasons) VALUES (?, ?, ?, ?) ON CONFLICT (uid) DO UPDATE SET scope = excluded.scope, confidence = excluded.confidence, reasons = excluded.reasons",
        u.uid,
        u.scope,
        u.confidence,
        u.text,
      );
      if (u.scopeChanged) setEndpointScope(sql, u.uid, u.scope);
    }
    for (const uid of removed) {
      sql.exec("DELETE FROM decisions WHERE uid = ?", uid);
      setEndpointScope(sql, uid, null);
    }
    if (sharedText !== null && sharedText !== graph.sharedReason) writeMeta(sql, "shared_reason", sharedText);
    td = Date.now();
    if (found !== undefined) {
      violations = syncViolations(sql, found, now);
      snapshot = context.snapshot.save(sql, derived!.snapshot);
    } else if (re !== undefined && !re.fullRequired) {
      violations = syncViolationChanges(sql, re.violations, now);
      snapshot = context.snapshot.saveChanges(sql, re.snapshot);
    }
    drift = recordDrift(sql, events, { cause: context.cause, scanId: context.scanId, at: now });
    sql.exec("DELETE FROM meta WHERE key = 'drift_scan'");
    tx = Date.now();
  });
  const tcommit = Date.now();
  for (const u of upserts) graph.setDecision(u.uid, { scope: u.scope, confidence: u.confidence, hash: u.hash, length: u.text.length });
  for (const uid of removed) graph.deleteDecision(uid);
  if (sharedText !== null) graph.sharedReason = sharedText;
  graph.state = nextState;
  graph.storedDecisions = decisions;
  graph.stateNow = nextStateNow;
  graph.derived = derived;
  graph.touched.clear();
  graph.changedEdges.clear();
  const summary = markClassified(storage, graph, now);
  const t3 = Date.now();
  const timings: ClassificationTimings = {
    at: now, mode: runMode, loadMs, classifyMs: tc - t1, derivedMs: t2 - tc, derived: found === undefined ? "incremental" : "full", writeMs: t3 - t2,
    writeParts: { prepare: tw - t2, decisions: td - tw, derived: tx - td, commit: tcommit - tx, summary: t3 - tcommit }, totalMs: loadMs + t3 - t1, decisions: decisions.size, written: upserts.length + removed.length,
  };
  return { timings, model, snapshot, drift, violations, summary };
}

/**
 * The decisions are current as of `now`: store the summary the dashboard asks for most (it
 * changes only with decisions, resources and flows, all of which pass through here).
 */
export function markClassified(storage: DurableObjectStorage, graph: TenantGraph, now: number): ScopeSummary {
  const sql = storage.sql;
  const scan = sql
    .exec<{ scan_id: string; collector_id: string; parts: number; committed_at: number }>(
      "SELECT scan_id, collector_id, parts, committed_at FROM scans WHERE status = 'committed' ORDER BY committed_at DESC LIMIT 1",
    )
    .toArray()[0];
  const lastScan: ScopeSummary["lastScan"] = scan ? { scanId: scan.scan_id, collectorId: scan.collector_id, parts: scan.parts, committedAt: scan.committed_at } : null;
  const summary = graph.summary(lastScan, now);
  storage.transactionSync(() => {
    writeMeta(sql, "classified_at", String(now));
    writeMeta(sql, "dirty", "0");
    writeMeta(sql, "summary", JSON.stringify(summary));
  });
  return summary;
}

/** One frozen reason alone: stored as the shared reason, not as its own text. */
function sharedCandidate(d: ScopeDecision): boolean {
  return d.reasons.length === 1 && Object.isFrozen(d.reasons[0]);
}

/** An override whose expiry falls in (since, now]: decisions at `now` differ from those at `since`. */
function overrideExpiredSince(graph: TenantGraph, since: number, now: number): boolean {
  for (const o of graph.overrides.values()) {
    if (o.expiresAt === undefined) continue;
    const at = Date.parse(o.expiresAt);
    if (!Number.isFinite(at) || (at > since && at <= now)) return true;
  }
  return false;
}
