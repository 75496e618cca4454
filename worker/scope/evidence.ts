import type { FlowEdge, Rule } from "../../contract/index.js";
import { EVIDENCE_CAP } from "./catalog.js";
import type { Evidence } from "./types.js";

/**
 * Running totals over the flow edges one reason counts, keeping only the top few by bytes
 * (as edge indices). One tally per (resource, rule) that fires; nothing is allocated per edge.
 */
export class FlowTally {
  edgeCount = 0;
  packets = 0;
  bytes = 0;
  flows = 0;
  firstSeen = Number.POSITIVE_INFINITY;
  lastSeen = 0;
  readonly top: number[] = [];
  /** Distinct service labels seen ("DNS", "SSH"), at most EVIDENCE_CAP. */
  readonly labels: string[] = [];

  add(edges: readonly FlowEdge[], j: number, label?: string): void {
    const e = edges[j]!;
    this.edgeCount++;
    this.packets += e.packets;
    this.bytes += e.bytes;
    this.flows += e.flows;
    if (e.firstSeen < this.firstSeen) this.firstSeen = e.firstSeen;
    if (e.lastSeen > this.lastSeen) this.lastSeen = e.lastSeen;
    if (label !== undefined && this.labels.length < EVIDENCE_CAP && !this.labels.includes(label)) this.labels.push(label);
    const top = this.top;
    if (top.length === EVIDENCE_CAP && outranks(edges[top[top.length - 1]!]!, e)) return;
    let k = top.length;
    if (k === EVIDENCE_CAP) k--;
    while (k > 0 && outranks(e, edges[top[k - 1]!]!)) {
      top[k] = top[k - 1]!;
      k--;
    }
    top[k] = j;
  }

  /** The listed edges (largest first) followed by the totals over all of them. */
  evidence(edges: readonly FlowEdge[]): Evidence[] {
    const out: Evidence[] = this.top.map((j) => flowEvidence(edges[j]!));
    out.push({
      type: "flow_totals",
      edges: this.edgeCount,
      packets: this.packets,
      bytes: this.bytes,
      flows: this.flows,
      firstSeen: this.edgeCount ? this.firstSeen : 0,
      lastSeen: this.lastSeen,
      shown: this.top.length,
    });
    return out;
  }

  /** uids of the other ends of the listed edges, in listed order, each once. */
  peers(edges: readonly FlowEdge[], self: string): string[] {
    const out: string[] = [];
    for (const j of this.top) {
      const e = edges[j]!;
      const other = e.srcUid === self ? e.dstUid : e.srcUid;
      if (other !== undefined && !out.includes(other)) out.push(other);
    }
    return out;
  }
}

/** Edge order for evidence: more bytes, then more packets, then addresses — never input order. */
function outranks(a: FlowEdge, b: FlowEdge): boolean {
  if (a.bytes !== b.bytes) return a.bytes > b.bytes;
  if (a.packets !== b.packets) return a.packets > b.packets;
  if (a.srcIp !== b.srcIp) return a.srcIp < b.srcIp;
  if (a.dstIp !== b.dstIp) return a.dstIp < b.dstIp;
  if (a.dstPort !== b.dstPort) return a.dstPort < b.dstPort;
  if (a.protocol !== b.protocol) return a.protocol < b.protocol;
  if (a.action !== b.action) return a.action < b.action;
  return a.firstSeen < b.firstSeen;
}

export function flowEvidence(e: FlowEdge): Evidence {
  const ev: Evidence = {
    type: "flow",
    srcIp: e.srcIp,
    dstIp: e.dstIp,
    dstPort: e.dstPort,
    protocol: e.protocol,
    action: e.action,
    packets: e.packets,
    bytes: e.bytes,
    flows: e.flows,
    firstSeen: e.firstSeen,
    lastSeen: e.lastSeen,
  };
  if (e.srcUid !== undefined) ev.srcUid = e.srcUid;
  if (e.dstUid !== undefined) ev.dstUid = e.dstUid;
  return ev;
}

export function ruleEvidence(rule: Rule): Evidence {
  const peer = rule.peer.kind === "any" ? "any" : `${rule.peer.kind}:${rule.peer.value}`;
  return {
    type: "rule",
    ruleId: rule.id,
    ownerUid: rule.ownerUid,
    direction: rule.direction,
    protocol: rule.protocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    peer,
    action: rule.action,
  };
}

export function resourceEvidence(uid: string, relation: string): Evidence {
  return { type: "resource", uid, relation };
}

/** "3 edges, 12.4 MB" style counts for summaries. */
export function describeTally(t: FlowTally): string {
  return `${t.edgeCount} flow edge${t.edgeCount === 1 ? "" : "s"}, ${t.flows} flow record${t.flows === 1 ? "" : "s"}, ${t.bytes} bytes`;
}
