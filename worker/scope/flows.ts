import type { Signals } from "./declared.js";
import { FlowTally, describeTally, resourceEvidence } from "./evidence.js";
import { makeReason, type Findings } from "./findings.js";
import type { HotEdges, ScopeGraph } from "./graph.js";
import { adminService, isWebPort, securityService } from "./ports.js";
import type { Evidence, Reason } from "./types.js";

/** Per resource index, the tally of each flow-based rule; undefined until an edge counts. */
export interface FlowTallies {
  service: (FlowTally | undefined)[];
  admin: (FlowTally | undefined)[];
  role: (FlowTally | undefined)[];
  connected: (FlowTally | undefined)[];
  rejected: (FlowTally | undefined)[];
}

function tally(list: (FlowTally | undefined)[], i: number): FlowTally {
  let t = list[i];
  if (t === undefined) list[i] = t = new FlowTally();
  return t;
}

/**
 * One pass over every flow edge. Only edges with exactly one end in the CDE matter: the
 * other end is a server the CDE uses (security service or plain connection) or a client of
 * the CDE (administration or plain connection). Rejected edges are kept apart: they prove a
 * control works and never put anything in scope.
 */
export function tallyFlows(graph: ScopeGraph, hot: HotEdges, cde: Uint8Array, signals: Signals): FlowTallies {
  const n = graph.resources.length;
  const out: FlowTallies = {
    service: new Array(n), admin: new Array(n), role: new Array(n), connected: new Array(n), rejected: new Array(n),
  };
  const { edges } = graph;
  for (let k = 0; k < hot.count; k++) {
    const s = hot.src[k]!;
    const d = hot.dst[k]!;
    const cs = cde[s]!;
    if (cs === cde[d]) continue;
    const j = hot.edge[k]!;
    const e = edges[j]!;
    const other = cs ? d : s;
    if (e.action !== "accept") {
      tally(out.rejected, other).add(edges, j);
      continue;
    }
    const role = signals.role[other];
    if (cs) {
      // The CDE is the client: `other` serves it.
      let label = securityService(e.protocol, e.dstPort);
      if (label === undefined && role !== undefined && role.webService && (isWebPort(e.protocol, e.dstPort) || role.role === "kms" || role.role === "hsm")) {
        label = `${role.role} (role tag) on ${e.dstPort}`;
      }
      if (label !== undefined) tally(out.service, other).add(edges, j, label);
      else tally(out.connected, other).add(edges, j);
    } else {
      const label = adminService(e.protocol, e.dstPort);
      if (label !== undefined) tally(out.admin, other).add(edges, j, label);
      else tally(out.connected, other).add(edges, j);
    }
    if (role !== undefined) tally(out.role, other).add(edges, j);
  }
  return out;
}

function peerEvidence(graph: ScopeGraph, t: FlowTally, self: string, relation: string): Evidence[] {
  return t.peers(graph.edges, self).map((uid) => resourceEvidence(uid, relation));
}

/** Turn the tallies into reasons. */
export function flowReasons(graph: ScopeGraph, tallies: FlowTallies, signals: Signals, found: Findings): void {
  const { edges } = graph;
  for (let i = 0; i < graph.resources.length; i++) {
    const uid = graph.resources[i]!.uid;
    const svc = tallies.service[i];
    if (svc !== undefined) {
      found.add(i, withFlows(makeReason("security_impacting.service_to_cde",
        `CDE components use its ${svc.labels.join(", ")} service (${describeTally(svc)})`,
        peerEvidence(graph, svc, uid, "CDE component using this service")), svc, edges));
    }
    const adm = tallies.admin[i];
    if (adm !== undefined) {
      found.add(i, withFlows(makeReason("security_impacting.admin_access",
        `Opens ${adm.labels.join(", ")} sessions to CDE components (${describeTally(adm)})`,
        peerEvidence(graph, adm, uid, "CDE component administered from here")), adm, edges));
    }
    const role = tallies.role[i];
    const tag = signals.role[i];
    if (role !== undefined && tag !== undefined) {
      found.add(i, withFlows(makeReason("security_impacting.role_tag",
        `Role ${tag.key}=${tag.value} and traffic with the CDE (${describeTally(role)})`,
        [{ type: "tag", key: tag.key, value: tag.value }, ...peerEvidence(graph, role, uid, "CDE component it exchanges traffic with")]), role, edges));
    }
    const conn = tallies.connected[i];
    if (conn !== undefined) {
      found.add(i, withFlows(makeReason("connected.observed_flow",
        `Accepted traffic with CDE components (${describeTally(conn)})`,
        peerEvidence(graph, conn, uid, "CDE component it exchanges traffic with")), conn, edges));
    }
  }
}

function withFlows(reason: Reason, t: FlowTally, edges: ScopeGraph["edges"]): Reason {
  reason.evidence.push(...t.evidence(edges));
  return reason;
}
