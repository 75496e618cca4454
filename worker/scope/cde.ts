import type { Rule } from "../../contract/index.js";
import { isAnywhere } from "./cidr.js";
import type { KeywordHit, Signals } from "./declared.js";
import { FlowTally, describeTally, resourceEvidence, ruleEvidence } from "./evidence.js";
import { makeReason, type Findings } from "./findings.js";
import type { EdgeSource } from "./edges.js";
import { networkOf, type HotEdges, type ScopeGraph } from "./graph.js";
import type { Evidence, Reason } from "./types.js";

/**
 * A payment word alone is a low-confidence candidate that seeds nothing. It is corroborated
 * when a confirmed CDE component sends it accepted traffic or shares its subnet.
 */
export function keywordCandidates(signals: Signals, seed: Uint8Array): Uint8Array {
  const candidates = new Uint8Array(seed.length);
  for (let i = 0; i < seed.length; i++) if (signals.keyword[i] !== undefined && !seed[i]) candidates[i] = 1;
  return candidates;
}

/** For each candidate, a confirmed (seed) CDE component sharing one of its subnets, if any: static corroboration. */
export interface SubnetPeer {
  peer: number;
  subnet: string;
}

export function keywordSubnetPeers(graph: ScopeGraph, seed: Uint8Array, candidates: Uint8Array): Map<number, SubnetPeer> {
  const n = graph.resources.length;
  const seedInSubnet = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (!seed[i]) continue;
    for (const s of networkOf(graph.resources[i]!).subnets) if (!seedInSubnet.has(s)) seedInSubnet.set(s, i);
  }
  const out = new Map<number, SubnetPeer>();
  if (seedInSubnet.size === 0) return out;
  for (let i = 0; i < n; i++) {
    if (!candidates[i]) continue;
    for (const s of networkOf(graph.resources[i]!).subnets) {
      const p = seedInSubnet.get(s);
      if (p !== undefined) {
        out.set(i, { peer: p, subnet: s });
        break;
      }
    }
  }
  return out;
}

/** Accepted traffic from a seed CDE component into each candidate, over the hot edges (one pass). */
export function keywordInbound(graph: ScopeGraph, hot: HotEdges, seed: Uint8Array, candidates: Uint8Array): Map<number, FlowTally> {
  const inbound = new Map<number, FlowTally>();
  const { edges } = graph;
  for (let k = 0; k < hot.count; k++) {
    const d = hot.dst[k]!;
    if (!candidates[d] || !seed[hot.src[k]!]) continue;
    const j = hot.edge[k]!;
    if (!edges.accepted(j)) continue;
    let t = inbound.get(d);
    if (t === undefined) inbound.set(d, (t = new FlowTally()));
    t.add(edges, j);
  }
  return inbound;
}

/** The keyword reason of candidate `i`: corroborated by inbound CDE traffic and/or a shared subnet, or not. */
export function keywordReason(graph: ScopeGraph, edges: EdgeSource, i: number, hit: KeywordHit, tally: FlowTally | undefined, subnetPeer: SubnetPeer | undefined): Reason {
  const r = graph.resources[i]!;
  const kwEvidence = keywordEvidence(hit);
  if (tally === undefined && subnetPeer === undefined) {
    return makeReason("cde.keyword", `Name or tag suggests payment data ("${hit.keyword}") but nothing corroborates it; confirm with a tag or override`, [kwEvidence]);
  }
  const evidence: Evidence[] = [kwEvidence];
  const why: string[] = [];
  if (tally !== undefined) {
    for (const uid of tally.peers(edges, r.uid)) evidence.push(resourceEvidence(uid, "confirmed CDE component sending to this resource"));
    evidence.push(...tally.evidence(edges));
    why.push(`receives accepted traffic from the CDE (${describeTally(tally)})`);
  }
  if (subnetPeer !== undefined) {
    evidence.push(resourceEvidence(graph.resources[subnetPeer.peer]!.uid, `confirmed CDE component in the same subnet ${subnetPeer.subnet}`));
    why.push(`shares subnet ${subnetPeer.subnet} with a confirmed CDE component`);
  }
  return makeReason("cde.keyword_corroborated", `Name or tag suggests payment data ("${hit.keyword}") and it ${why.join(" and ")}`, evidence);
}

export interface KeywordResult {
  /** Per candidate index, its keyword reason. */
  reasons: Map<number, Reason>;
  /** Candidates corroborated (by traffic or subnet): what the confirmed CDE set depends on. */
  corroborated: Uint8Array;
  subnetPeers: Map<number, SubnetPeer>;
}

export function keywordRule(graph: ScopeGraph, hot: HotEdges, seed: Uint8Array, candidates: Uint8Array, signals: Signals, found: Findings): KeywordResult {
  const n = graph.resources.length;
  const subnetPeers = keywordSubnetPeers(graph, seed, candidates);
  const inbound = keywordInbound(graph, hot, seed, candidates);
  const reasons = new Map<number, Reason>();
  const corroborated = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (!candidates[i]) continue;
    const tally = inbound.get(i);
    const peer = subnetPeers.get(i);
    if (tally !== undefined || peer !== undefined) corroborated[i] = 1;
    const reason = keywordReason(graph, graph.edges, i, signals.keyword[i]!, tally, peer);
    reasons.set(i, reason);
    found.add(i, reason);
  }
  return { reasons, corroborated, subnetPeers };
}

function keywordEvidence(hit: KeywordHit): Evidence {
  return { type: "keyword", field: hit.field, text: hit.text, keyword: hit.keyword };
}

const SEGMENT_KINDS = new Set<string>(["instance", "nic", "database", "function", "container_service", "k8s_cluster"]);

/**
 * The rule on a security group that lets every protocol and port in from the group itself
 * or from anywhere: inside one subnet nothing else (a NACL applies only at the subnet edge)
 * stands between the group's members.
 */
export function openIngress(rules: readonly Rule[] | undefined, group: string): Rule | undefined {
  if (rules === undefined) return undefined;
  for (const rule of rules) {
    if (rule.direction !== "ingress" || rule.action !== "allow") continue;
    const allTraffic = rule.protocol === "all" || rule.protocol === "-1" ||
      ((rule.protocol === "tcp" || rule.protocol === "6") && rule.fromPort === 0 && rule.toPort === 65535);
    if (!allTraffic) continue;
    const p = rule.peer;
    if (p.kind === "any" || (p.kind === "group" && p.value === group) || (p.kind === "cidr" && isAnywhere(p.value))) return rule;
  }
  return undefined;
}

interface SegmentHit {
  i: number;
  peer: number;
  subnet: string;
  group: string;
  rule: Rule;
}

/** Compute/database resources (not in `seed`) sharing a subnet and an allow-all group with a `seed` member. */
export function sharedSegmentHits(graph: ScopeGraph, seed: Uint8Array): SegmentHit[] {
  const n = graph.resources.length;
  // subnet → group → first CDE component in that subnet carrying that group
  const cdeGroupsBySubnet = new Map<string, Map<string, number>>();
  for (let i = 0; i < n; i++) {
    if (!seed[i]) continue;
    const net = networkOf(graph.resources[i]!);
    for (const s of net.subnets) {
      let groups = cdeGroupsBySubnet.get(s);
      if (groups === undefined) cdeGroupsBySubnet.set(s, (groups = new Map()));
      for (const g of net.securityGroups) if (!groups.has(g)) groups.set(g, i);
    }
  }
  const hits: SegmentHit[] = [];
  if (cdeGroupsBySubnet.size === 0) return hits;

  const openRule = new Map<string, Rule | undefined>();
  for (let i = 0; i < n; i++) {
    const r = graph.resources[i]!;
    if (seed[i] || !SEGMENT_KINDS.has(r.kind)) continue;
    const net = networkOf(r);
    search: for (const subnet of net.subnets) {
      const groups = cdeGroupsBySubnet.get(subnet);
      if (groups === undefined) continue;
      for (const group of net.securityGroups) {
        const peer = groups.get(group);
        if (peer === undefined) continue;
        if (!openRule.has(group)) openRule.set(group, openIngress(graph.rulesByOwner.get(group), group));
        const rule = openRule.get(group);
        if (rule === undefined) continue;
        hits.push({ i, peer, subnet, group, rule });
        break search;
      }
    }
  }
  return hits;
}

/** Unrestricted connectivity: same subnet and same allow-all security group as a confirmed CDE component. */
export function sharedSegmentRule(graph: ScopeGraph, found: Findings): void {
  for (const { i, peer, subnet, group, rule } of sharedSegmentHits(graph, found.confirmedCde())) {
    const cdeUid = graph.resources[peer]!.uid;
    found.add(i, makeReason("cde.shared_segment_no_control",
      `Shares subnet ${subnet} and security group ${group} (ingress allows all traffic from ${rule.peer.kind === "group" ? "its own members" : "anywhere"}) with CDE component ${cdeUid}: no control between them`,
      [
        resourceEvidence(cdeUid, "confirmed CDE component"),
        resourceEvidence(subnet, "shared subnet"),
        resourceEvidence(group, "shared security group"),
        ruleEvidence(rule),
      ]));
  }
}
