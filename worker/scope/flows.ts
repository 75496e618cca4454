import type { Signals } from "./declared.js";
import type { EdgeSource } from "./edges.js";
import { FlowTally, describeTally, resourceEvidence } from "./evidence.js";
import { makeReason } from "./findings.js";
import type { HotEdges, ScopeGraph } from "./graph.js";
import { adminService, isWebPort, securityService } from "./ports.js";
import type { RoleTag } from "./tokens.js";
import type { Evidence, Reason } from "./types.js";

/** The tallies of each flow-based rule for one resource; undefined until an edge counts. */
export interface Tallies {
  service?: FlowTally;
  admin?: FlowTally;
  role?: FlowTally;
  connected?: FlowTally;
  rejected?: FlowTally;
}

/**
 * Counts edge `j` for its non-CDE end (`role`: that end's role tag). Rejected edges are
 * kept apart: they prove a control works and never put anything in scope. The same code
 * serves the one pass over every edge and the per-resource pass of an incremental run, so
 * both see the same edges in the same (ascending) order and give the same tallies.
 */
export function tallyEdge(t: Tallies, edges: EdgeSource, j: number, cdeIsClient: boolean, role: RoleTag | undefined): void {
  if (!edges.accepted(j)) {
    (t.rejected ??= new FlowTally()).add(edges, j);
    return;
  }
  const protocol = edges.protocol(j);
  const port = edges.dstPort(j);
  if (cdeIsClient) {
    // The CDE is the client: the other end serves it.
    let label = securityService(protocol, port);
    if (label === undefined && role !== undefined && role.webService && (isWebPort(protocol, port) || role.role === "kms" || role.role === "hsm")) {
      label = `${role.role} (role tag) on ${port}`;
    }
    if (label !== undefined) (t.service ??= new FlowTally()).add(edges, j, label);
    else (t.connected ??= new FlowTally()).add(edges, j);
  } else {
    const label = adminService(protocol, port);
    if (label !== undefined) (t.admin ??= new FlowTally()).add(edges, j, label);
    else (t.connected ??= new FlowTally()).add(edges, j);
  }
  if (role !== undefined) (t.role ??= new FlowTally()).add(edges, j);
}

/**
 * One pass over the hot edges. Only edges with exactly one end in the CDE matter: the
 * other end is a server the CDE uses (security service or plain connection) or a client of
 * the CDE (administration or plain connection).
 */
export function tallyFlows(graph: ScopeGraph, hot: HotEdges, cde: Uint8Array, signals: Signals): (Tallies | undefined)[] {
  const out = new Array<Tallies | undefined>(graph.resources.length);
  const { edges } = graph;
  for (let k = 0; k < hot.count; k++) {
    const s = hot.src[k]!;
    const d = hot.dst[k]!;
    const cs = cde[s]!;
    if (cs === cde[d]) continue;
    const other = cs ? d : s;
    tallyEdge((out[other] ??= {}), edges, hot.edge[k]!, cs === 1, signals.role[other]);
  }
  return out;
}

function peerEvidence(edges: EdgeSource, t: FlowTally, self: string, relation: string): Evidence[] {
  return t.peers(edges, self).map((uid) => resourceEvidence(uid, relation));
}

/** The flow reasons of resource `i` from its tallies, in rule order. */
export function flowReasonsFor(graph: ScopeGraph, edges: EdgeSource, i: number, t: Tallies | undefined, signals: Signals): Reason[] | undefined {
  if (t === undefined) return undefined;
  const out: Reason[] = [];
  const uid = graph.resources[i]!.uid;
  const svc = t.service;
  if (svc !== undefined) {
    out.push(withFlows(makeReason("security_impacting.service_to_cde",
      `CDE components use its ${svc.labels.join(", ")} service (${describeTally(svc)})`,
      peerEvidence(edges, svc, uid, "CDE component using this service")), svc, edges));
  }
  const adm = t.admin;
  if (adm !== undefined) {
    out.push(withFlows(makeReason("security_impacting.admin_access",
      `Opens ${adm.labels.join(", ")} sessions to CDE components (${describeTally(adm)})`,
      peerEvidence(edges, adm, uid, "CDE component administered from here")), adm, edges));
  }
  const role = t.role;
  const tag = signals.role[i];
  if (role !== undefined && tag !== undefined) {
    out.push(withFlows(makeReason("security_impacting.role_tag",
      `Role ${tag.key}=${tag.value} and traffic with the CDE (${describeTally(role)})`,
      [{ type: "tag", key: tag.key, value: tag.value }, ...peerEvidence(edges, role, uid, "CDE component it exchanges traffic with")]), role, edges));
  }
  const conn = t.connected;
  if (conn !== undefined) {
    out.push(withFlows(makeReason("connected.observed_flow",
      `Accepted traffic with CDE components (${describeTally(conn)})`,
      peerEvidence(edges, conn, uid, "CDE component it exchanges traffic with")), conn, edges));
  }
  return out.length ? out : undefined;
}

function withFlows(reason: Reason, t: FlowTally, edges: EdgeSource): Reason {
  reason.evidence.push(...t.evidence(edges));
  return reason;
}
