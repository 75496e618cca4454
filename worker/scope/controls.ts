import { EVIDENCE_CAP } from "./catalog.js";
import { resourceEvidence } from "./evidence.js";
import { makeReason, type Findings } from "./findings.js";
import { networkOf, type ScopeGraph } from "./graph.js";
import type { Evidence } from "./types.js";

const ASSOCIATED_CONTROL_KINDS = new Set<string>(["network_acl", "route_table", "firewall"]);

class Related {
  count = 0;
  readonly evidence: Evidence[] = [];
  relation = "";
  private last = "";
  add(uid: string, relation: string): void {
    // An instance may list a group or subnet twice (primary and secondary interfaces).
    if (uid === this.last) return;
    this.last = uid;
    this.count++;
    if (this.evidence.length < EVIDENCE_CAP) this.evidence.push(resourceEvidence(uid, relation));
    this.relation ||= relation;
  }
}

/**
 * The segmentation controls and segments of the CDE: security groups on CDE components,
 * the subnets and networks that contain them, and NACLs / route tables / firewalls
 * associated with those subnets. They do not hold account data; they decide who reaches
 * it, so they are security-impacting (and are what 11.4.5 tests).
 */
export function cdeControlRule(graph: ScopeGraph, cde: Uint8Array, found: Findings): void {
  const n = graph.resources.length;
  const related = new Map<number, Related>();
  const cdeSubnets = new Map<string, number>();
  const note = (uid: string, member: number, relation: string): void => {
    const k = graph.index.get(uid);
    if (k === undefined || cde[k]) return;
    let rel = related.get(k);
    if (rel === undefined) related.set(k, (rel = new Related()));
    rel.add(graph.resources[member]!.uid, relation);
  };
  for (let i = 0; i < n; i++) {
    if (!cde[i]) continue;
    const net = networkOf(graph.resources[i]!);
    for (const g of net.securityGroups) note(g, i, "CDE component this group is attached to");
    for (const s of net.subnets) {
      note(s, i, "CDE component in this subnet");
      if (!cdeSubnets.has(s)) cdeSubnets.set(s, i);
    }
    for (const v of net.networks) note(v, i, "CDE component in this network");
  }
  for (let i = 0; i < n; i++) {
    const r = graph.resources[i]!;
    if (cde[i] || !ASSOCIATED_CONTROL_KINDS.has(r.kind)) continue;
    for (const s of networkOf(r).subnets) {
      const member = cdeSubnets.get(s);
      if (member !== undefined) note(r.uid, member, `CDE component in associated subnet ${s}`);
    }
  }
  for (const [i, rel] of [...related].sort((a, b) => a[0] - b[0])) {
    const r = graph.resources[i]!;
    found.add(i, makeReason("security_impacting.cde_control",
      `${r.kind.replace(/_/g, " ")} controlling or containing ${rel.count} CDE component${rel.count === 1 ? "" : "s"}`,
      rel.evidence));
  }
}
