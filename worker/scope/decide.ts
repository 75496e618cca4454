import { NO_PATH_WITHOUT_FLOWS_CONFIDENCE, RULES } from "./catalog.js";
import type { FlowTally } from "./evidence.js";
import { makeReason, type Findings } from "./findings.js";
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
}

/** What out_of_scope.no_path checked; identical for every resource, so built once and shared. */
function absenceEvidence(ctx: DecideContext): readonly Evidence[] {
  const edges = ctx.graph.edges.length;
  return Object.freeze([
    Object.freeze<Evidence>({ type: "absence", checked: ctx.cdeCount === 0
      ? "confirmed CDE components in the tenant: none identified yet (tag or override the CDE first)"
      : `accepted flow edges with any of the ${ctx.cdeCount} confirmed CDE components: none (${edges} flow edges examined)` }),
    Object.freeze<Evidence>({ type: "absence", checked: "ingress rules on CDE security groups naming this resource's groups or addresses: none" }),
    Object.freeze<Evidence>({ type: "absence", checked: "subnet and allow-all security group shared with a CDE component: none" }),
    Object.freeze<Evidence>({ type: "absence", checked: "security service, administration or role-tagged traffic with the CDE: none" }),
  ]);
}

export function decideAll(ctx: DecideContext): Map<string, ScopeDecision> {
  const { graph, found } = ctx;
  const noPathConfidence = graph.edges.length > 0 ? RULES["out_of_scope.no_path"].confidence : NO_PATH_WITHOUT_FLOWS_CONFIDENCE;
  const absence = absenceEvidence(ctx);
  const plainNoPath = Object.freeze(makeReason("out_of_scope.no_path",
    graph.edges.length > 0 ? "No accepted traffic, configured path or security role linking it to the CDE" : "No configured path or security role linking it to the CDE (no flow data received yet)",
    absence as Evidence[], undefined, noPathConfidence));
  Object.freeze(plainNoPath.pci);

  const out = new Map<string, ScopeDecision>();
  for (let i = 0; i < graph.resources.length; i++) {
    const uid = graph.resources[i]!.uid;
    const reasons = found.reasons[i] ?? [];
    const inScopeComputed = reasons.some((r) => r.scope !== "out_of_scope" && DECLARED_RANK[r.rule] === undefined);
    const declared = found.declared[i];
    if (!inScopeComputed && (declared === undefined || declared === "out_of_scope")) {
      const rej = ctx.rejected[i];
      reasons.push(rej === undefined ? plainNoPath : makeReason("out_of_scope.no_path",
        `No accepted traffic, configured path or security role linking it to the CDE; ${rej.edgeCount} rejected flow edge${rej.edgeCount === 1 ? "" : "s"} with the CDE show a control blocking it`,
        [...absence, ...rej.evidence(graph.edges)], undefined, noPathConfidence));
    }
    if (reasons.length > 1) reasons.sort(compareReasons);
    const deciding = reasons[0]!;
    out.set(uid, { uid, scope: deciding.scope, confidence: deciding.confidence, reasons });
  }
  return out;
}
