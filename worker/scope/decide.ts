import { NO_PATH_WITHOUT_FLOWS_CONFIDENCE, RULES } from "./catalog.js";
import { resourceEvidence, type FlowTally } from "./evidence.js";
import { makeReason, type Findings } from "./findings.js";
import type { NoPathFindings } from "./configured.js";
import type { ScopeGraph } from "./graph.js";
import type { Evidence, Reason, ScopeDecision } from "./types.js";

const RANK: Record<string, number> = { cde: 0, security_impacting: 1, connected: 2, out_of_scope: 3 };
const DECLARED_RANK: Record<string, number> = { "override.manual": 0, "tag.pci_scope": 1 };

/** Deciding order: override, then tag, then scope precedence, then confidence, then rule id. */
function compareReasons(a: Reason, b: Reason): number {
  const da = DECLARED_RANK[a.rule] ?? 2;
  const db = DECLARED_RANK[b.rule] ?? 2;
  if (da !== db) return da - db;
  if (a.scope !== b.scope) return RANK[a.scope]! - RANK[b.scope]!;
  if (a.confidence !== b.confidence) return b.confidence - a.confidence;
  if (a.rule !== b.rule) return a.rule < b.rule ? -1 : 1;
  return a.summary < b.summary ? -1 : a.summary > b.summary ? 1 : 0;
}

export interface DecideContext {
  graph: ScopeGraph;
  found: Findings;
  rejected: (FlowTally | undefined)[];
  cdeCount: number;
  noPath: NoPathFindings;
}

/** What out_of_scope.no_path checked; identical for every resource, so built once and shared. */
function absenceEvidence(ctx: DecideContext): readonly Evidence[] {
  const edges = ctx.graph.edges.length;
  return Object.freeze([
    Object.freeze<Evidence>({ type: "absence", checked: ctx.cdeCount === 0
      ? "confirmed CDE components in the tenant: none identified yet (tag or override the CDE first)"
      : `accepted flow edges with any of the ${ctx.cdeCount} confirmed CDE components: none (${edges} flow edges examined)` }),
    Object.freeze<Evidence>({ type: "absence", checked: "configured network path (security groups, network ACLs, routes, peerings) to or from a CDE component on any port: none" }),
    Object.freeze<Evidence>({ type: "absence", checked: "subnet and allow-all security group shared with a CDE component: none" }),
    Object.freeze<Evidence>({ type: "absence", checked: "security service, administration or role-tagged traffic with the CDE: none" }),
  ]);
}

/** Kinds that are a part of another resource and take its scope (the collector maps their traffic to the parent). */
const PART_KINDS = new Set<string>(["nic", "public_ip"]);

/** The index of the resource `i` is part of, or -1. */
function partOf(graph: ScopeGraph, i: number): number {
  const r = graph.resources[i]!;
  if (!PART_KINDS.has(r.kind) || r.parent === undefined) return -1;
  const p = graph.index.get(r.parent);
  if (p === undefined || p === i || PART_KINDS.has(graph.resources[p]!.kind)) return -1;
  return p;
}

export function decideAll(ctx: DecideContext): Map<string, ScopeDecision> {
  const { graph, found } = ctx;
  const noPathConfidence = graph.edges.length > 0 ? RULES["out_of_scope.no_path"].confidence : NO_PATH_WITHOUT_FLOWS_CONFIDENCE;
  const absence = absenceEvidence(ctx);
  const plainNoPath = Object.freeze(makeReason("out_of_scope.no_path",
    graph.edges.length > 0 ? "No accepted traffic, configured path or security role linking it to the CDE" : "No configured path or security role linking it to the CDE (no flow data received yet)",
    absence as Evidence[], undefined, noPathConfidence));
  Object.freeze(plainNoPath.pci);

  // One no-path reason per distinct list of blocking controls (shared by a placement class).
  const blocked = new Map<readonly Evidence[], Reason>();
  const noPathFor = (i: number): Reason => {
    const list = ctx.noPath.blockers[i];
    if (list === undefined || list.length === 0) return plainNoPath;
    let reason = blocked.get(list);
    if (reason === undefined) {
      const controls = list.filter((e) => e.type !== "absence").length;
      reason = Object.freeze(makeReason("out_of_scope.no_path",
        `${plainNoPath.summary}; every configured path to or from the ${ctx.noPath.cdeClasses} group${ctx.noPath.cdeClasses === 1 ? "" : "s"} of CDE components is blocked${controls ? ` (${controls} blocking control${controls === 1 ? "" : "s"} listed)` : ""}`,
        [...absence, ...list], undefined, noPathConfidence));
      blocked.set(list, reason);
    }
    return reason;
  };

  const n = graph.resources.length;
  const decisions = new Array<ScopeDecision>(n);
  const parents = new Int32Array(n);
  for (let i = 0; i < n; i++) parents[i] = partOf(graph, i);
  // Parts after wholes, so a part can read its parent's decision.
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < n; i++) {
      const p = parents[i]!;
      if ((p < 0) !== (pass === 0)) continue;
      if (p >= 0) {
        const whole = decisions[p]!;
        found.add(i, makeReason("inherited.parent", `Part of ${whole.uid}, which is ${whole.scope} (${whole.reasons[0]!.rule})`,
          [resourceEvidence(whole.uid, `parent (${graph.resources[p]!.kind}) this ${graph.resources[i]!.kind} belongs to`)],
          whole.scope, whole.confidence));
      }
      decisions[i] = decideOne(ctx, i, noPathFor(i), noPathConfidence);
    }
  }
  const out = new Map<string, ScopeDecision>();
  for (let i = 0; i < n; i++) out.set(decisions[i]!.uid, decisions[i]!);
  return out;
}

function decideOne(ctx: DecideContext, i: number, noPath: Reason, noPathConfidence: number): ScopeDecision {
  const { graph, found } = ctx;
  const uid = graph.resources[i]!.uid;
  const reasons = found.reasons[i] ?? [];
  const inScopeComputed = reasons.some((r) => r.scope !== "out_of_scope" && DECLARED_RANK[r.rule] === undefined);
  const declared = found.declared[i];
  if (!inScopeComputed && (declared === undefined || declared === "out_of_scope")) {
    const rej = ctx.rejected[i];
    reasons.push(rej === undefined ? noPath : makeReason("out_of_scope.no_path",
      `${noPath.summary}; ${rej.edgeCount} rejected flow edge${rej.edgeCount === 1 ? "" : "s"} with the CDE show a control blocking it`,
      [...noPath.evidence, ...rej.evidence(graph.edges)], undefined, noPathConfidence));
  }
  if (reasons.length > 1) reasons.sort(compareReasons);
  const deciding = reasons[0]!;
  return { uid, scope: deciding.scope, confidence: deciding.confidence, reasons };
}
