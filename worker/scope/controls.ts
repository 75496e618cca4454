import type { Rule } from "../../contract/index.js";
import { EVIDENCE_CAP } from "./catalog.js";
import { isAnywhere, parseIpv4Cidr } from "./cidr.js";
import { resourceEvidence, ruleEvidence } from "./evidence.js";
import { makeReason, type Findings } from "./findings.js";
import { AddressIndex, networkOf, type ScopeGraph } from "./graph.js";
import type { Evidence } from "./types.js";

/** Widest CIDR peer v1 attributes to the addresses inside it; wider ones need route analysis. */
const NARROWEST_ATTRIBUTABLE_PREFIX = 16;

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

class Paths {
  count = 0;
  readonly evidence: Evidence[] = [];
}

/**
 * Configured (not observed) paths into the CDE, v1: an ingress allow rule on a CDE
 * component's security group whose peer is a group this resource belongs to, a CIDR no
 * wider than /16 holding one of its private addresses, or anywhere when it shares a
 * network with that CDE component. Routes, NACLs and peering are not yet walked.
 */
export function configuredPathRule(graph: ScopeGraph, cde: Uint8Array, found: Findings): void {
  const n = graph.resources.length;
  // CDE group → CDE members carrying it (in resource order) and their networks.
  const cdeGroups = new Map<string, { members: number[]; networks: Set<string> }>();
  for (let i = 0; i < n; i++) {
    if (!cde[i]) continue;
    const net = networkOf(graph.resources[i]!);
    for (const g of net.securityGroups) {
      let entry = cdeGroups.get(g);
      if (entry === undefined) cdeGroups.set(g, (entry = { members: [], networks: new Set() }));
      entry.members.push(i);
      for (const v of net.networks) entry.networks.add(v);
    }
  }
  const paths = new Map<number, Paths>();
  let addresses: AddressIndex | undefined;
  const stamp = new Int32Array(n).fill(-1);
  let ruleNo = 0;

  for (const [group, { members, networks }] of cdeGroups) {
    for (const rule of graph.rulesByOwner.get(group) ?? []) {
      if (rule.direction !== "ingress" || rule.action !== "allow") continue;
      const targets = ruleTargets(graph, rule, networks, () => (addresses ??= new AddressIndex(graph)));
      const no = ruleNo++;
      for (const t of targets) {
        if (cde[t] || !graph.isSystem[t] || stamp[t] === no) continue;
        stamp[t] = no;
        let p = paths.get(t);
        if (p === undefined) paths.set(t, (p = new Paths()));
        p.count++;
        if (p.evidence.length < EVIDENCE_CAP * 2) {
          p.evidence.push(ruleEvidence(rule), resourceEvidence(graph.resources[members[0]!]!.uid, `CDE component protected by ${group}`));
        }
      }
    }
  }
  for (const [i, p] of [...paths].sort((a, b) => a[0] - b[0])) {
    found.add(i, makeReason("connected.configured_path",
      `${p.count} ingress rule${p.count === 1 ? "" : "s"} on CDE security groups allow traffic from this resource (configured path, whether or not traffic was seen)`,
      p.evidence));
  }
}

function ruleTargets(graph: ScopeGraph, rule: Rule, networks: Set<string>, addresses: () => AddressIndex): readonly number[] {
  const peer = rule.peer;
  if (peer.kind === "group") return graph.membersByGroup().get(peer.value) ?? [];
  if (peer.kind === "any" || (peer.kind === "cidr" && isAnywhere(peer.value))) {
    if (networks.size === 1) return graph.membersByNetwork().get([...networks][0]!) ?? [];
    const out: number[] = [];
    for (const v of [...networks].sort()) out.push(...(graph.membersByNetwork().get(v) ?? []));
    return out;
  }
  if (peer.kind === "cidr") {
    const range = parseIpv4Cidr(peer.value);
    if (range === undefined || range.prefix < NARROWEST_ATTRIBUTABLE_PREFIX) return [];
    return addresses().within(range.first, range.last);
  }
  return [];
}
