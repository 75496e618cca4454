import type { ClassifierInput, RuleId, Scope, ScopeDecision } from "./types.js";
import { CONFIRMED_CDE_CONFIDENCE } from "./catalog.js";
import { EdgeTable, edgeSource, type EdgeSource } from "./edges.js";
import { networkOf, uidFilter } from "./graph.js";
import { stableHash } from "./hash.js";
import type { Severity } from "./violations.js";

/**
 * What drift compares between two committed scans: small enough to keep per scan in the
 * Durable Object (no full resources, no non-boundary flows).
 */
export interface ScanSnapshot {
  resources: { uid: string; kind: string; name: string }[];
  /** One per resource, in input order (an array: a 100k-key object is slow to build and to parse). */
  decisions: { uid: string; scope: Scope; confidence: number; rule: RuleId }[];
  /** Rules of the CDE's security groups / NACLs and routes of its route tables, each as canonical text. */
  cdeControls: { id: string; owner: string; type: "rule" | "route"; text: string }[];
  /** Accepted flows with exactly one end in the CDE. */
  boundaryFlows: { key: string; cdeUid: string; other: string; otherScope: Scope | "unmapped"; dstPort: number; protocol: number; bytes: number; lastSeen: number }[];
  /** Resources kept from a skipped or partial part of the scan: present but stale, never "removed". */
  stale: string[];
}

export type DriftKind = "resource_added" | "resource_removed" | "scope_changed" | "new_boundary_flow" | "cde_control_rule_changed";

export interface DriftEvent {
  /** Stable: a hash of kind, uid and the before/after values. */
  id: string;
  kind: DriftKind;
  severity: Severity;
  uid: string;
  before: unknown;
  after: unknown;
  summary: string;
}

export function isCde(d: { scope: Scope; confidence: number } | undefined): boolean {
  return d !== undefined && d.scope === "cde" && d.confidence >= CONFIRMED_CDE_CONFIDENCE;
}

/** The snapshot of a committed scan, from the classifier's input and its decisions. */
export function scanSnapshot(input: ClassifierInput, decisions: ReadonlyMap<string, ScopeDecision>, o: { stale?: readonly string[] } = {}): ScanSnapshot {
  const resources: ScanSnapshot["resources"] = [];
  const seen = new Set<string>();
  for (const r of input.resources) {
    if (seen.has(r.uid)) continue;
    seen.add(r.uid);
    resources.push({ uid: r.uid, kind: r.kind, name: r.name });
  }
  const snapDecisions: ScanSnapshot["decisions"] = [];
  const cde = new Set<string>();
  for (const d of decisions.values()) {
    snapDecisions.push(snapshotDecision(d));
    if (isCde(d)) cde.add(d.uid);
  }

  // The CDE's controls: groups on CDE components, NACLs and route tables of their subnets.
  const owners = new Set<string>();
  const cdeSubnets = new Set<string>();
  for (const r of input.resources) {
    if (!cde.has(r.uid)) continue;
    const net = networkOf(r);
    for (const g of net.securityGroups) owners.add(g);
    for (const s of net.subnets) cdeSubnets.add(s);
  }
  for (const r of input.resources) {
    if ((r.kind === "network_acl" || r.kind === "route_table") && networkOf(r).subnets.some((s) => cdeSubnets.has(s))) owners.add(r.uid);
  }
  const cdeControls: ScanSnapshot["cdeControls"] = [];
  for (const rule of input.rules) {
    if (!owners.has(rule.ownerUid)) continue;
    const peer = rule.peer.kind === "any" ? "any" : `${rule.peer.kind}:${rule.peer.value}`;
    cdeControls.push({ id: rule.id, owner: rule.ownerUid, type: "rule", text: `${rule.direction} ${rule.action} ${rule.protocol} ${rule.fromPort}-${rule.toPort} ${peer} priority ${rule.priority}` });
  }
  for (const route of input.routes) {
    if (!owners.has(route.tableUid)) continue;
    cdeControls.push({ id: route.id, owner: route.tableUid, type: "route", text: `${route.destination} → ${route.target.kind}${route.target.uid ? ` ${route.target.uid}` : ""} (${route.state ?? "active"})` });
  }
  cdeControls.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const flows = new Map<string, BoundaryFlow>();
  if (cde.size > 0) {
    const isCdeUid = uidFilter(cde);
    const edges = edgeSource(input.edges);
    const maybe = cdeEndFilter(edges, isCdeUid);
    for (let j = 0; j < edges.length; j++) {
      if (!maybe(j)) continue;
      const at = boundaryOf(edges, j, isCdeUid);
      if (at !== undefined) addBoundaryEdge(flows, edges, j, at, decisions);
    }
  }
  const boundaryFlows = [...flows.values()].sort(byKey);
  return { resources, decisions: snapDecisions, cdeControls, boundaryFlows, stale: [...(o.stale ?? [])].sort() };
}

/** A cheap first test: could edge j have a CDE end? (Per uid id for a table; exact test otherwise.) */
export function cdeEndFilter(edges: EdgeSource, isCdeUid: (uid: string | undefined) => boolean): (j: number) => boolean {
  if (!(edges instanceof EdgeTable)) return (j) => isCdeUid(edges.srcUid(j)) || isCdeUid(edges.dstUid(j));
  const uids = edges.uidList;
  const flag = new Uint8Array(uids.length);
  for (let k = 0; k < uids.length; k++) flag[k] = isCdeUid(uids[k]) ? 1 : 0;
  return (j) => {
    const s = edges.srcUidIdOf(j);
    const d = edges.dstUidIdOf(j);
    return (s >= 0 && flag[s] === 1) || (d >= 0 && flag[d] === 1);
  };
}

export type BoundaryFlow = ScanSnapshot["boundaryFlows"][number];

/** Where edge `j` counts as a boundary flow: accepted, exactly one end in the CDE. */
export interface BoundaryEnd {
  key: string;
  cdeUid: string;
  /** The other end's uid; undefined when it is an unmapped address. */
  otherUid: string | undefined;
  other: string;
}

export function boundaryOf(edges: EdgeSource, j: number, isCdeUid: (uid: string | undefined) => boolean): BoundaryEnd | undefined {
  if (!edges.accepted(j)) return undefined;
  const srcUid = edges.srcUid(j);
  const dstUid = edges.dstUid(j);
  const s = isCdeUid(srcUid);
  const d = isCdeUid(dstUid);
  if (s === d) return undefined;
  const cdeUid = s ? srcUid! : dstUid!;
  const otherUid = s ? dstUid : srcUid;
  const other = otherUid ?? `ip:${s ? edges.dstIp(j) : edges.srcIp(j)}`;
  return { key: `${s ? cdeUid : other}>${s ? other : cdeUid}:${edges.dstPort(j)}/${edges.protocol(j)}`, cdeUid, otherUid, other };
}

/** Adds edge `j` to its boundary flow (edges of one key in ascending order give the snapshot's figures). */
export function addBoundaryEdge(flows: Map<string, BoundaryFlow>, edges: EdgeSource, j: number, at: BoundaryEnd, decisions: ReadonlyMap<string, ScopeDecision>): void {
  const held = flows.get(at.key);
  if (held) {
    held.bytes += edges.bytes(j);
    held.lastSeen = Math.max(held.lastSeen, edges.lastSeen(j));
  } else {
    const otherScope = at.otherUid === undefined ? "unmapped" : (decisions.get(at.otherUid)?.scope ?? "unmapped");
    flows.set(at.key, { key: at.key, cdeUid: at.cdeUid, other: at.other, otherScope, dstPort: edges.dstPort(j), protocol: edges.protocol(j), bytes: edges.bytes(j), lastSeen: edges.lastSeen(j) });
  }
}

export const byKey = (a: { key: string }, b: { key: string }): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** The snapshot's entry for one decision. */
export function snapshotDecision(d: ScopeDecision): ScanSnapshot["decisions"][number] {
  return { uid: d.uid, scope: d.scope, confidence: d.confidence, rule: d.reasons[0]!.rule };
}

/** The same uids at the same positions (each list's uids are unique, so the same uid sets too). */
function sameUids(a: readonly { uid: string }[], b: readonly { uid: string }[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.uid !== b[i]!.uid) return false;
  return true;
}

const IN_SCOPE = new Set<Scope>(["cde", "security_impacting", "connected"]);

function event(kind: DriftKind, severity: Severity, uid: string, before: unknown, after: unknown, summary: string): DriftEvent {
  return { id: stableHash(`${kind}\u0000${uid}\u0000${JSON.stringify(before)}\u0000${JSON.stringify(after)}`), kind, severity, uid, before, after, summary };
}

function scopeSeverity(scope: Scope | undefined, confidence = 1): Severity {
  if (scope === "cde" && confidence >= CONFIRMED_CDE_CONFIDENCE) return "high";
  return scope !== undefined && IN_SCOPE.has(scope) ? "medium" : "low";
}

/**
 * Drift between two committed scans (DESIGN §4): resources added and removed, scope
 * changes, new accepted flows across the CDE boundary, and rule/route changes on the CDE's
 * controls — the "significant changes" that call for a scope review (12.5.2). `before`
 * undefined (first scan) gives no events. Sorted by kind, then uid, then id.
 */
export function diffScans(before: ScanSnapshot | undefined, after: ScanSnapshot): DriftEvent[] {
  if (before === undefined) return [];
  const out: DriftEvent[] = [];
  // Full runs mostly compare a snapshot with one of the same resources in the same order: then
  // positions pair items up and the uid maps are not built (100k-entry maps are most of the cost).
  let beforeDecisions: Map<string, ScanSnapshot["decisions"][number]> | undefined;
  let afterDecisions: Map<string, ScanSnapshot["decisions"][number]> | undefined;
  const beforeDecision = (uid: string) => (beforeDecisions ??= new Map(before.decisions.map((d) => [d.uid, d]))).get(uid);
  const afterDecision = (uid: string) => (afterDecisions ??= new Map(after.decisions.map((d) => [d.uid, d]))).get(uid);

  if (!sameUids(before.resources, after.resources)) {
    const beforeUids = new Set(before.resources.map((r) => r.uid));
    const afterUids = new Set(after.resources.map((r) => r.uid));
    const stale = new Set(after.stale);
    for (const r of after.resources) {
      if (beforeUids.has(r.uid)) continue;
      const d = afterDecision(r.uid);
      out.push(event("resource_added", scopeSeverity(d?.scope, d?.confidence), r.uid, null, { kind: r.kind, name: r.name, scope: d?.scope ?? null },
        `New ${r.kind.replace(/_/g, " ")} ${r.name}${d ? ` (${d.scope})` : ""}`));
    }
    for (const r of before.resources) {
      if (afterUids.has(r.uid) || stale.has(r.uid)) continue;
      const d = beforeDecision(r.uid);
      out.push(event("resource_removed", scopeSeverity(d?.scope, d?.confidence), r.uid, { kind: r.kind, name: r.name, scope: d?.scope ?? null }, null,
        `${r.kind.replace(/_/g, " ")} ${r.name}${d ? ` (${d.scope})` : ""} is gone from a complete scan`));
    }
  }
  const aligned = sameUids(before.decisions, after.decisions);
  for (let i = 0; i < after.decisions.length; i++) {
    const a = after.decisions[i]!;
    const uid = a.uid;
    const b = aligned ? before.decisions[i] : beforeDecision(uid);
    if (b === undefined || b.scope === a.scope) continue;
    const cdeMove = isCde(a) || isCde(b);
    const severity: Severity = cdeMove ? "high" : IN_SCOPE.has(a.scope) !== IN_SCOPE.has(b.scope) ? "medium" : "low";
    out.push(event("scope_changed", severity, uid, { scope: b.scope, rule: b.rule }, { scope: a.scope, rule: a.rule },
      `${uid}: ${b.scope} → ${a.scope} (${a.rule})`));
  }
  const oldFlows = new Set(before.boundaryFlows.map((f) => f.key));
  for (const f of after.boundaryFlows) {
    if (oldFlows.has(f.key)) continue;
    const severity: Severity = f.otherScope === "out_of_scope" || f.otherScope === "unmapped" ? "high" : "medium";
    out.push(event("new_boundary_flow", severity, f.cdeUid, null, f,
      `New accepted flow across the CDE boundary: ${f.key} (${f.other} is ${f.otherScope})`));
  }
  const oldControls = new Map(before.cdeControls.map((c) => [c.id, c]));
  const newControls = new Map(after.cdeControls.map((c) => [c.id, c]));
  // Only controls that were CDE controls in both scans: a control joining or leaving the CDE is a scope change, not a rule change.
  const ownersBefore = new Set(before.cdeControls.map((c) => c.owner));
  const ownersAfter = new Set(after.cdeControls.map((c) => c.owner));
  for (const c of after.cdeControls) {
    if (!ownersBefore.has(c.owner)) continue;
    const o = oldControls.get(c.id);
    if (o !== undefined && o.text === c.text) continue;
    const opens = / allow .*(0\.0\.0\.0\/0|::\/0|any)/.test(c.text) || (c.type === "route" && /internet_gateway/.test(c.text));
    out.push(event("cde_control_rule_changed", opens ? "high" : "medium", c.owner, o ? o.text : null, c.text,
      `${o ? "Changed" : "New"} ${c.type} on CDE control ${c.owner}: ${c.text}${o ? ` (was: ${o.text})` : ""}`));
  }
  for (const c of before.cdeControls) {
    if (newControls.has(c.id) || !ownersAfter.has(c.owner)) continue;
    // A removed control of a resource now gone is covered by resource_removed.
    out.push(event("cde_control_rule_changed", "medium", c.owner, c.text, null, `Removed ${c.type} from CDE control ${c.owner}: ${c.text}`));
  }
  const order: DriftKind[] = ["scope_changed", "new_boundary_flow", "cde_control_rule_changed", "resource_added", "resource_removed"];
  return out.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
