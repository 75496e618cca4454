import type { FlowEdge, Rule } from "../../contract/index.js";
import { EVIDENCE_CAP } from "./catalog.js";
import type { EdgeSource } from "./edges.js";
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

  add(edges: EdgeSource, j: number, label?: string): void {
    this.edgeCount++;
    this.packets += edges.packets(j);
    this.bytes += edges.bytes(j);
    this.flows += edges.flows(j);
    const first = edges.firstSeen(j);
    const last = edges.lastSeen(j);
    if (first < this.firstSeen) this.firstSeen = first;
    if (last > this.lastSeen) this.lastSeen = last;
    if (label !== undefined && this.labels.length < EVIDENCE_CAP && !this.labels.includes(label)) this.labels.push(label);
    const top = this.top;
    if (top.length === EVIDENCE_CAP && outranks(edges, top[top.length - 1]!, j)) return;
    let k = top.length;
    if (k === EVIDENCE_CAP) k--;
    while (k > 0 && outranks(edges, j, top[k - 1]!)) {
      top[k] = top[k - 1]!;
      k--;
    }
    top[k] = j;
  }

  /** The listed edges (largest first) followed by the totals over all of them. */
  evidence(edges: EdgeSource): Evidence[] {
    const out: Evidence[] = this.top.map((j) => flowEvidence(edges.edge(j)));
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
  peers(edges: EdgeSource, self: string): string[] {
    const out: string[] = [];
    for (const j of this.top) {
      const src = edges.srcUid(j);
      const other = src === self ? edges.dstUid(j) : src;
      if (other !== undefined && !out.includes(other)) out.push(other);
    }
    return out;
  }
}

/** Edge order for evidence: more bytes, then more packets, then addresses — never input order. */
function outranks(edges: EdgeSource, a: number, b: number): boolean {
  const ab = edges.bytes(a);
  const bb = edges.bytes(b);
  if (ab !== bb) return ab > bb;
  const ap = edges.packets(a);
  const bp = edges.packets(b);
  if (ap !== bp) return ap > bp;
  const as = edges.srcIp(a);
  const bs = edges.srcIp(b);
  if (as !== bs) return as < bs;
  const ad = edges.dstIp(a);
  const bd = edges.dstIp(b);
  if (ad !== bd) return ad < bd;
  if (edges.dstPort(a) !== edges.dstPort(b)) return edges.dstPort(a) < edges.dstPort(b);
  if (edges.protocol(a) !== edges.protocol(b)) return edges.protocol(a) < edges.protocol(b);
  // "accept" < "reject"
  if (edges.accepted(a) !== edges.accepted(b)) return edges.accepted(a);
  return edges.firstSeen(a) < edges.firstSeen(b);
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
