import { EVIDENCE_CAP } from "./catalog.js";
import { resourceEvidence } from "./evidence.js";
import { makeReason, type Findings } from "./findings.js";
import { networkOf, type ScopeGraph } from "./graph.js";
import { gatewayId, type NetworkModel } from "./reachability/model.js";
import type { Evidence } from "./types.js";

interface InPathHit {
  i: number;
  summary: string;
  evidence: Evidence[];
}

/** Route targets that are systems carrying the traffic (not connections such as peerings). */
const GATEWAY_KINDS = new Set<string>(["gateway", "load_balancer", "firewall"]);

/**
 * Resources that transmit traffic to or from CDE components without being one: a load
 * balancer whose targets include a CDE component, and a gateway (internet, NAT, transit,
 * VPN) that a CDE component's subnet routes through. Account data passes through them.
 */
export function inPathHits(graph: ScopeGraph, model: NetworkModel, cde: Uint8Array): InPathHit[] {
  const hits = new Map<number, { evidence: Evidence[]; what: Set<string>; count: number }>();
  const note = (i: number, what: string, ev: Evidence[]) => {
    let h = hits.get(i);
    if (h === undefined) hits.set(i, (h = { evidence: [], what: new Set(), count: 0 }));
    h.count++;
    h.what.add(what);
    for (const e of ev) if (h.evidence.length < EVIDENCE_CAP * 2) h.evidence.push(e);
  };
  for (let i = 0; i < graph.resources.length; i++) {
    const r = graph.resources[i]!;
    if ((r.kind !== "load_balancer" && r.kind !== "firewall") || cde[i]) continue;
    // A firewall's DNAT rules forward to their targets as a load balancer does.
    const targets = r.attributes?.[r.kind === "firewall" ? "dnatTargets" : "targets"];
    if (!Array.isArray(targets)) continue;
    for (const t of [...targets].sort()) {
      const k = typeof t === "string" ? graph.index.get(t) : undefined;
      if (k === undefined || !cde[k]) continue;
      note(i, "forwards to", [resourceEvidence(t as string, r.kind === "firewall" ? "CDE component this firewall's DNAT rules forward to" : "CDE component behind this load balancer (target)")]);
    }
  }
  // Gateways a CDE component's subnet routes through.
  const tablesSeen = new Set<string>();
  const sharedGateways = transitGatewaysById(graph);
  for (let i = 0; i < graph.resources.length; i++) {
    if (!cde[i]) continue;
    for (const s of networkOf(graph.resources[i]!).subnets) {
      const table = model.subnets.get(s)?.table;
      if (table === undefined || tablesSeen.has(table)) continue;
      tablesSeen.add(table);
      for (const pr of model.routes.get(table) ?? []) {
        const uid = pr.route.target.uid;
        if (!pr.active || uid === undefined || pr.route.target.kind === "local") continue;
        // A shared transit gateway is matched by id; an appliance named by address (ip:…) by the firewall owning it.
        const k = graph.index.get(uid) ?? (pr.route.target.kind === "transit_gateway" ? sharedGateways.get(gatewayId(uid)) : graph.index.get(model.firewalls.get(uid)?.uid ?? ""));
        if (k === undefined || cde[k] || !GATEWAY_KINDS.has(graph.resources[k]!.kind)) continue;
        note(k, "carries traffic of", [
          { type: "route", routeId: pr.route.id, tableUid: pr.route.tableUid, destination: pr.route.destination, target: `${pr.route.target.kind}:${uid}` },
          resourceEvidence(graph.resources[i]!.uid, `CDE component in ${s}, routed through this gateway${graph.resources[k]!.uid === uid ? "" : ` (the route names it ${uid}: the same transit gateway id, shared from another account)`}`),
        ]);
      }
    }
  }
  return [...hits.entries()].sort((a, b) => a[0] - b[0]).map(([i, h]) => ({
    i, evidence: h.evidence,
    summary: `In the CDE path: ${[...h.what].sort().join(" and ")} CDE components (${h.count} configured link${h.count === 1 ? "" : "s"}); account data passes through it`,
  }));
}

/**
 * Transit gateways by id (tgw-…): one shared from another account (RAM) is inventoried under
 * its owner's ARN, while the route tables of the other account's VPCs name it under theirs.
 */
function transitGatewaysById(graph: ScopeGraph): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < graph.resources.length; i++) {
    const r = graph.resources[i]!;
    if (r.kind !== "gateway" || r.attributes?.["gatewayType"] !== "transit_gateway") continue;
    const id = r.attributes["transitGatewayId"];
    out.set(typeof id === "string" ? id : gatewayId(r.uid), i);
  }
  return out;
}

export function inPathRule(graph: ScopeGraph, model: NetworkModel, found: Findings): void {
  for (const hit of inPathHits(graph, model, found.confirmedCde())) found.add(hit.i, makeReason("cde.in_path", hit.summary, hit.evidence));
}
