import type { Route, Rule } from "../../contract/index.js";
import { EVIDENCE_CAP } from "./catalog.js";
import { resourceEvidence, ruleEvidence } from "./evidence.js";
import { makeReason, type Findings } from "./findings.js";
import { networkOf, type ScopeGraph } from "./graph.js";
import type { Endpoint, Hop } from "./reachability/layers.js";
import type { NetworkModel } from "./reachability/model.js";
import { endpointOf, evaluatePath, explainPath, type PathEval } from "./reachability/path.js";
import { describePorts, portless, protocolName } from "./reachability/ports.js";
import type { Evidence } from "./types.js";

/** Resources sharing subnet, network and stateful controls: one path computation serves them all. */
interface PlacementClass {
  members: number[];
  endpoint: Endpoint;
}

/**
 * Group by subnet, then network, then security groups through nested maps keyed by the
 * uids themselves: building a combined key string per resource costs more than the
 * whole reachability pass on a 100k-resource tenant.
 */
function groupClasses(graph: ScopeGraph, model: NetworkModel, pick: (i: number) => boolean): PlacementClass[] {
  const root = new Map<string, Map<string, Map<string, number[]>>>();
  const order: number[][] = [];
  for (let i = 0; i < graph.resources.length; i++) {
    if (!pick(i)) continue;
    const net = networkOf(graph.resources[i]!);
    const subnet = net.subnets.length ? net.subnets[0]! : "";
    const network = net.networks.length ? net.networks[0]! : "";
    const groups = net.securityGroups.length === 1 ? net.securityGroups[0]! : net.securityGroups.join("\u0002");
    let byNetwork = root.get(subnet);
    if (byNetwork === undefined) root.set(subnet, (byNetwork = new Map()));
    let byGroups = byNetwork.get(network);
    if (byGroups === undefined) byNetwork.set(network, (byGroups = new Map()));
    const members = byGroups.get(groups);
    if (members === undefined) {
      const list = [i];
      byGroups.set(groups, list);
      order.push(list);
    } else members.push(i);
  }
  return order.map((members) => ({ members, endpoint: endpointOf(model, members) }));
}

/** Rule and Route objects by id, for turning hops into evidence. */
export class ControlIndex {
  private rules?: Map<string, Rule>;
  private routes?: Map<string, Route>;
  constructor(private readonly model: NetworkModel) {}
  rule(id: string): Rule | undefined {
    if (this.rules === undefined) {
      this.rules = new Map();
      for (const c of this.model.rules.values()) for (const r of [...c.ingress, ...c.egress]) this.rules.set(r.rule.id, r.rule);
    }
    return this.rules.get(id);
  }
  route(id: string): Route | undefined {
    if (this.routes === undefined) {
      this.routes = new Map();
      for (const list of this.model.routes.values()) for (const r of list) this.routes.set(r.route.id, r.route);
    }
    return this.routes.get(id);
  }
  /** A hop as something an assessor can look up: the rule, the route, or the control with what it did. */
  evidence(hop: Hop): Evidence {
    if (hop.ruleId !== undefined) {
      const rule = this.rule(hop.ruleId);
      if (rule) return ruleEvidence(rule);
      const route = this.route(hop.ruleId);
      if (route) return { type: "route", routeId: route.id, tableUid: route.tableUid, destination: route.destination, target: `${route.target.kind}${route.target.uid ? `:${route.target.uid}` : ""}` };
    }
    return resourceEvidence(hop.control, `${hop.step.replace(/_/g, " ")}: ${hop.detail}`);
  }
}

interface Found {
  cls: PlacementClass;
  /** true: this resource opens the connection to the CDE; false: the CDE opens it to this resource. */
  outbound: boolean;
  ev: PathEval;
}

/** What configured-path analysis concluded for resources it found no path for. */
export interface NoPathFindings {
  /** Per resource index, the blocking controls (shared between members of a class). */
  blockers: (readonly Evidence[] | undefined)[];
  /** How many groups of CDE components (by subnet and security groups) were checked. */
  cdeClasses: number;
}

/**
 * connected.configured_path from the network model: a path, on any protocol and port, from
 * this resource to a confirmed CDE component or from one to it, through security groups,
 * NACLs (both directions), route tables and peerings. Computed per placement class (same
 * subnet, network, groups) against each class of CDE components, never per resource pair;
 * a class is split into its members only when a CIDR covers some of them and not others.
 * For classes with no path, the controls that block every path are kept for out_of_scope.
 */
export function configuredPathRule(graph: ScopeGraph, model: NetworkModel, cde: Uint8Array, found: Findings, controls: ControlIndex): NoPathFindings {
  const n = graph.resources.length;
  const blockers = new Array<readonly Evidence[] | undefined>(n);
  const cdeClasses = groupClasses(graph, model, (i) => cde[i] === 1 && graph.isSystem[i] === 1);
  if (cdeClasses.length === 0) return { blockers, cdeClasses: 0 };
  const others = groupClasses(graph, model, (i) => cde[i] !== 1 && graph.isSystem[i] === 1);

  const visit = (cls: PlacementClass, split: boolean): void => {
    const paths: Found[] = [];
    const blocks = new Map<string, Hop>();
    let partial = false;
    for (const d of cdeClasses) {
      const out = evaluatePath(model, cls.endpoint, d.endpoint);
      const back = evaluatePath(model, d.endpoint, cls.endpoint);
      partial ||= out.partial || back.partial;
      if (out.reachable) paths.push({ cls: d, outbound: true, ev: out });
      else if (out.blockedBy) blocks.set(hopKey(out.blockedBy), out.blockedBy);
      if (back.reachable) paths.push({ cls: d, outbound: false, ev: back });
      else if (back.blockedBy) blocks.set(hopKey(back.blockedBy), back.blockedBy);
    }
    if (partial && split && cls.members.length > 1) {
      for (const i of cls.members) visit({ members: [i], endpoint: endpointOf(model, [i]) }, false);
      return;
    }
    if (paths.length > 0) {
      const reason = pathReason(model, cls, paths, controls);
      for (const i of cls.members) found.add(i, reason);
    } else {
      const list = blockerEvidence(blocks, controls);
      for (const i of cls.members) blockers[i] = list;
    }
  };
  for (const cls of others) visit(cls, true);
  return { blockers, cdeClasses: cdeClasses.length };
}

function hopKey(h: Hop): string {
  return `${h.action}\u0000${h.control}\u0000${h.ruleId ?? ""}\u0000${h.detail}`;
}

function blockerEvidence(blocks: Map<string, Hop>, controls: ControlIndex): readonly Evidence[] {
  const hops = [...blocks.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
  const real = hops.filter((h) => h.action !== "unknown");
  const unknown = hops.filter((h) => h.action === "unknown");
  const out: Evidence[] = real.slice(0, EVIDENCE_CAP).map((h) => controls.evidence(h));
  if (real.length > EVIDENCE_CAP) out.push({ type: "absence", checked: `${real.length - EVIDENCE_CAP} more blocking controls not listed` });
  for (const h of unknown.slice(0, 2)) out.push({ type: "absence", checked: `not evaluated: ${h.detail}` });
  return Object.freeze(out.map((e) => Object.freeze(e)));
}

function pathReason(model: NetworkModel, cls: PlacementClass, paths: Found[], controls: ControlIndex) {
  const evidence: Evidence[] = [];
  const seen = new Set<string>();
  const shown: string[] = [];
  const cdeUids = new Set<string>();
  for (const p of paths) cdeUids.add(p.cls.endpoint.uid);
  // Evidence for the first two paths: the CDE side, then each rule/route that allowed a hop.
  for (const p of paths.slice(0, 2)) {
    const port = portless(p.ev.protocol) ? 0 : p.ev.ports[0]!;
    const [src, dst] = p.outbound ? [cls.endpoint, p.cls.endpoint] : [p.cls.endpoint, cls.endpoint];
    const how = `${protocolName(p.ev.protocol)}/${portless(p.ev.protocol) ? "*" : describePorts(p.ev.ports)}`;
    const more = p.cls.members.length > 1 ? ` (one of ${p.cls.members.length} sharing its subnet and groups)` : "";
    evidence.push(resourceEvidence(p.cls.endpoint.uid, p.outbound ? `CDE component this resource can open ${how} connections to${more}` : `CDE component that can open ${how} connections to this resource${more}`));
    shown.push(`${p.outbound ? "to" : "from"} ${p.cls.endpoint.uid} on ${how}`);
    for (const hop of explainPath(model, src, dst, p.ev.protocol, port).hops) {
      if (hop.ruleId === undefined || seen.has(hop.ruleId)) continue;
      seen.add(hop.ruleId);
      evidence.push(controls.evidence(hop));
    }
  }
  let count = 0;
  for (const c of new Set(paths.map((p) => p.cls))) count += c.members.length;
  return makeReason("connected.configured_path",
    `Configured network path with CDE components (${shown.join("; ")}${paths.length > 2 ? `; ${paths.length - 2} more` : ""}): security groups, network ACLs and routes allow it, whether or not traffic was seen (${count} CDE component${count === 1 ? "" : "s"} in ${cdeUids.size} group${cdeUids.size === 1 ? "" : "s"})`,
    evidence.slice(0, EVIDENCE_CAP * 3));
}
