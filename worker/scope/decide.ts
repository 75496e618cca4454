import { NO_PATH_WITHOUT_FLOWS_CONFIDENCE, OBSERVED_AND_CONFIGURED_CONFIDENCE, RULES } from "./catalog.js";
import type { EdgeSource } from "./edges.js";
import { resourceEvidence, type FlowTally } from "./evidence.js";
import { makeReason } from "./findings.js";
import type { ScopeGraph } from "./graph.js";
import type { Evidence, Reason, Scope, ScopeDecision } from "./types.js";

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

/**
 * The out_of_scope.no_path reasons of one classification. What they say depends only on
 * whether the tenant has flow data and whether a CDE is identified, never on tenant-wide
 * counts (those are in `tenantContext`): a new flow edge elsewhere must not change the text
 * of every out-of-scope decision. The plain reason is one frozen object shared by every
 * resource it applies to; the blocked variants are shared per list of blocking controls.
 */
export class NoPathReasons {
  readonly confidence: number;
  readonly plain: Reason;
  private readonly absence: readonly Evidence[];
  private readonly blocked = new Map<readonly Evidence[], Reason>();

  constructor(hasFlows: boolean, cdeCount: number) {
    this.confidence = hasFlows ? RULES["out_of_scope.no_path"].confidence : NO_PATH_WITHOUT_FLOWS_CONFIDENCE;
    this.absence = Object.freeze([
      Object.freeze<Evidence>({ type: "absence", checked: cdeCount === 0
        ? "confirmed CDE components in the tenant: none identified yet (tag or override the CDE first)"
        : hasFlows ? "accepted flow edges with any confirmed CDE component: none" : "accepted flow edges with any confirmed CDE component: no flow data received yet" }),
      Object.freeze<Evidence>({ type: "absence", checked: "configured network path (security groups, network ACLs, routes, peerings) to or from a CDE component on any port: none" }),
      Object.freeze<Evidence>({ type: "absence", checked: "subnet and allow-all security group shared with a CDE component: none" }),
      Object.freeze<Evidence>({ type: "absence", checked: "security service, administration or role-tagged traffic with the CDE: none" }),
    ]);
    const plain = makeReason("out_of_scope.no_path",
      hasFlows ? "No accepted traffic, configured path or security role linking it to the CDE" : "No configured path or security role linking it to the CDE (no flow data received yet)",
      this.absence as Evidence[], undefined, this.confidence);
    Object.freeze(plain.pci);
    this.plain = Object.freeze(plain);
  }

  /** The reason for a resource whose configured paths are all blocked by `list` (shared per list). */
  for(list: readonly Evidence[] | undefined): Reason {
    if (list === undefined || list.length === 0) return this.plain;
    let reason = this.blocked.get(list);
    if (reason === undefined) {
      const controls = list.filter((e) => e.type !== "absence").length;
      reason = Object.freeze(makeReason("out_of_scope.no_path",
        `${this.plain.summary}; every configured path to or from the CDE components is blocked${controls ? ` (${controls} blocking control${controls === 1 ? "" : "s"} listed)` : ""}`,
        [...this.absence, ...list], undefined, this.confidence));
      this.blocked.set(list, reason);
    }
    return reason;
  }
}

/** Kinds that are a part of another resource and take its scope (the collector maps their traffic to the parent). */
const PART_KINDS = new Set<string>(["nic", "public_ip"]);

/** Per resource index, the index of the resource it is part of, or -1. */
export function partsOf(graph: ScopeGraph): Int32Array {
  const n = graph.resources.length;
  const parents = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    parents[i] = -1;
    const r = graph.resources[i]!;
    if (!PART_KINDS.has(r.kind) || r.parent === undefined) continue;
    const p = graph.index.get(r.parent);
    if (p === undefined || p === i || PART_KINDS.has(graph.resources[p]!.kind)) continue;
    parents[i] = p;
  }
  return parents;
}

/** What a decision is assembled from, apart from the flow edges. */
export interface DecideContext {
  graph: ScopeGraph;
  /** Reasons per phase that do not read flow edges: declared (override, tag, data classification); shared segment and in-path; CDE controls and configured paths. */
  pre: readonly (readonly Reason[] | undefined)[];
  mid: readonly (readonly Reason[] | undefined)[];
  post: readonly (readonly Reason[] | undefined)[];
  declared: readonly (Scope | undefined)[];
  blockers: readonly (readonly Evidence[] | undefined)[];
  noPath: NoPathReasons;
}

/** The edge-dependent findings of one resource. */
export interface EdgeFindings {
  keyword?: Reason | undefined;
  flows?: readonly Reason[] | undefined;
  rejected?: FlowTally | undefined;
}

/**
 * The decision of resource `i`, from its reasons in rule order (declared, keyword, shared
 * segment / in path, flows, CDE controls / configured path), then the parent it is part of
 * (`parent`: that resource's decision), then no_path if nothing put it in scope. The full
 * classification and the incremental one both decide through here.
 */
export function decideOne(ctx: DecideContext, edges: EdgeSource, i: number, found: EdgeFindings, parent: ScopeDecision | undefined): ScopeDecision {
  const { graph } = ctx;
  const r = graph.resources[i]!;
  const reasons: Reason[] = [];
  const pre = ctx.pre[i];
  if (pre !== undefined) for (const x of pre) reasons.push(x);
  if (found.keyword !== undefined) reasons.push(found.keyword);
  const mid = ctx.mid[i];
  if (mid !== undefined) for (const x of mid) reasons.push(x);
  if (found.flows !== undefined) for (const x of found.flows) reasons.push(x);
  const post = ctx.post[i];
  if (post !== undefined) for (const x of post) reasons.push(x);
  raiseObservedAndConfigured(reasons);
  if (parent !== undefined) {
    const p = graph.index.get(r.parent!)!;
    reasons.push(makeReason("inherited.parent", `Part of ${parent.uid}, which is ${parent.scope} (${parent.reasons[0]!.rule})`,
      [resourceEvidence(parent.uid, `parent (${graph.resources[p]!.kind}) this ${r.kind} belongs to`)],
      parent.scope, parent.confidence));
  }
  const inScopeComputed = reasons.some((x) => x.scope !== "out_of_scope" && DECLARED_RANK[x.rule] === undefined);
  const declared = ctx.declared[i];
  if (!inScopeComputed && (declared === undefined || declared === "out_of_scope")) {
    const noPath = ctx.noPath.for(ctx.blockers[i]);
    const rej = found.rejected;
    reasons.push(rej === undefined ? noPath : makeReason("out_of_scope.no_path",
      `${noPath.summary}; ${rej.edgeCount} rejected flow edge${rej.edgeCount === 1 ? "" : "s"} with the CDE show a control blocking it`,
      [...noPath.evidence, ...rej.evidence(edges)], undefined, ctx.noPath.confidence));
  }
  if (reasons.length > 1) reasons.sort(compareReasons);
  const deciding = reasons[0]!;
  return { uid: r.uid, scope: deciding.scope, confidence: deciding.confidence, reasons };
}

/** Observed traffic that the configuration also allows: two independent sources agree. */
function raiseObservedAndConfigured(reasons: Reason[]): void {
  if (reasons.length < 2) return;
  if (!reasons.some((r) => r.rule === "connected.configured_path")) return;
  const k = reasons.findIndex((r) => r.rule === "connected.observed_flow");
  if (k < 0) return;
  const r = reasons[k]!;
  reasons[k] = { ...r, confidence: OBSERVED_AND_CONFIGURED_CONFIDENCE, summary: `${r.summary}; the configured network also allows it` };
}
