import { OBSERVED_AND_CONFIGURED_CONFIDENCE } from "./catalog.js";
import { keywordCandidates, keywordRule, sharedSegmentHits, sharedSegmentRule } from "./cde.js";
import { ControlIndex, configuredPathRule } from "./configured.js";
import { cdeControlRule } from "./controls.js";
import { readDeclared } from "./declared.js";
import { decideAll } from "./decide.js";
import { Findings } from "./findings.js";
import { flowReasons, tallyFlows } from "./flows.js";
import { buildGraph, hotEdges } from "./graph.js";
import { inPathHits, inPathRule } from "./inpath.js";
import { buildNetworkModel, type NetworkModel } from "./reachability/model.js";
import type { ClassifierInput, ScopeDecision } from "./types.js";

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
  const graph = buildGraph(input);
  const model = buildNetworkModel({ resources: graph.resources, rules: input.rules, routes: input.routes }, graph);
  const found = new Findings(graph.resources.length);

  const signals = readDeclared(graph, input.overrides, input.now, found);
  const declaredCde = found.confirmedCde();
  const candidates = keywordCandidates(signals, declaredCde);

  // Everything that could still become CDE: only edges touching these are read again.
  const possibleCde = declaredCde.slice();
  for (let i = 0; i < possibleCde.length; i++) possibleCde[i]! |= candidates[i]!;
  for (const hit of sharedSegmentHits(graph, possibleCde)) possibleCde[hit.i] = 1;
  for (const hit of inPathHits(graph, model, possibleCde)) possibleCde[hit.i] = 1;
  const hot = hotEdges(graph, possibleCde);

  keywordRule(graph, hot, declaredCde, candidates, signals, found);
  sharedSegmentRule(graph, found);
  inPathRule(graph, model, found);

  const cde = found.confirmedCde();
  let cdeCount = 0;
  for (let i = 0; i < cde.length; i++) cdeCount += cde[i]!;

  const tallies = tallyFlows(graph, hot, cde, signals);
  flowReasons(graph, tallies, signals, found);
  cdeControlRule(graph, cde, found);
  const noPath = configuredPathRule(graph, model, cde, found, new ControlIndex(model));
  raiseObservedAndConfigured(found);

  return { decisions: decideAll({ graph, found, rejected: tallies.rejected, cdeCount, noPath }), model };
}

/** Observed traffic that the configuration also allows: two independent sources agree. */
function raiseObservedAndConfigured(found: Findings): void {
  for (const reasons of found.reasons) {
    if (reasons === undefined || reasons.length < 2) continue;
    if (!reasons.some((r) => r.rule === "connected.configured_path")) continue;
    const k = reasons.findIndex((r) => r.rule === "connected.observed_flow");
    if (k < 0) continue;
    const r = reasons[k]!;
    reasons[k] = { ...r, confidence: OBSERVED_AND_CONFIGURED_CONFIDENCE, summary: `${r.summary}; the configured network also allows it` };
  }
}

export { RULES, type RuleId } from "./catalog.js";
export { SCOPE_PRECEDENCE } from "./types.js";
export type { ClassifierInput, Evidence, Override, Reason, Scope, ScopeDecision } from "./types.js";
