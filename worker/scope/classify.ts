import { cdeControlRule, configuredPathRule } from "./controls.js";
import { keywordCandidates, keywordRule, sharedSegmentHits, sharedSegmentRule } from "./cde.js";
import { readDeclared } from "./declared.js";
import { decideAll } from "./decide.js";
import { Findings } from "./findings.js";
import { flowReasons, tallyFlows } from "./flows.js";
import { buildGraph, hotEdges } from "./graph.js";
import type { ClassifierInput, ScopeDecision } from "./types.js";

/**
 * Classify every resource of a tenant (DESIGN §4, docs/scoping.md). Pure: the same input
 * gives the same output, with reasons and evidence in a stable order; no I/O, no clock
 * (override expiry uses `input.now`). Runs in Node and in workerd.
 *
 * The CDE is established first (declared → corroborated keywords → shared segments), then
 * one pass over the flow edges and one over the CDE's controls place everything around it.
 * Everything is one hop from a confirmed CDE component: reaching a connected system is not
 * a reason on its own.
 *
 * Returns one decision per distinct resource uid, in input order.
 */
export function classify(input: ClassifierInput): Map<string, ScopeDecision> {
  const graph = buildGraph(input);
  const found = new Findings(graph.resources.length);

  const signals = readDeclared(graph, input.overrides, input.now, found);
  const declaredCde = found.confirmedCde();
  const candidates = keywordCandidates(signals, declaredCde);

  // Everything that could still become CDE: only edges touching these are read again.
  const possibleCde = declaredCde.slice();
  for (let i = 0; i < possibleCde.length; i++) possibleCde[i]! |= candidates[i]!;
  for (const hit of sharedSegmentHits(graph, possibleCde)) possibleCde[hit.i] = 1;
  const hot = hotEdges(graph, possibleCde);

  keywordRule(graph, hot, declaredCde, candidates, signals, found);
  sharedSegmentRule(graph, found);

  const cde = found.confirmedCde();
  let cdeCount = 0;
  for (let i = 0; i < cde.length; i++) cdeCount += cde[i]!;

  const tallies = tallyFlows(graph, hot, cde, signals);
  flowReasons(graph, tallies, signals, found);
  cdeControlRule(graph, cde, found);
  configuredPathRule(graph, cde, found);

  return decideAll({ graph, found, rejected: tallies.rejected, cdeCount });
}

export { RULES, type RuleId } from "./catalog.js";
export { SCOPE_PRECEDENCE } from "./types.js";
export type { ClassifierInput, Evidence, Override, Reason, Scope, ScopeDecision } from "./types.js";
