import type { Resource } from "../../contract/index.js";
import { edgeSource, type EdgeSource } from "./edges.js";
import { CONFIRMED_CDE_CONFIDENCE, EVIDENCE_CAP } from "./catalog.js";
import { FlowTally, resourceEvidence } from "./evidence.js";
import { stableHash } from "./hash.js";
import { internetExposures } from "./reachability/exposure.js";
import type { NetworkModel } from "./reachability/model.js";
import type { ClassifierInput, Evidence, ScopeDecision } from "./types.js";
import { ipv4ToInt } from "./cidr.js";
import { ControlIndex } from "./configured.js";
import { uidFilter } from "./graph.js";

export type ViolationKind = "flow_cde_out_of_scope" | "path_cde_out_of_scope" | "internet_to_cde" | "unmapped_ip_to_cde";
export type Severity = "critical" | "high" | "medium" | "low";

/** A segmentation violation (DESIGN §4): what, how bad, which resources, and the evidence. */
export interface Violation {
  /** Stable across runs: a hash of the kind and subjects. */
  id: string;
  kind: ViolationKind;
  severity: Severity;
  summary: string;
  pci: string[];
  /** The resources involved (uids; an unmapped address as `ip:<address>`), the primary one first. */
  subjects: string[];
  evidence: Evidence[];
}

const PCI: Record<ViolationKind, readonly string[]> = {
  flow_cde_out_of_scope: ["PCI DSS 1.3.1", "PCI DSS 1.3.2", "PCI DSS 11.4.5", "PCI DSS 12.5.2"],
  path_cde_out_of_scope: ["PCI DSS 1.2.3", "PCI DSS 1.3.1", "PCI DSS 11.4.5", "PCI DSS 12.5.2"],
  internet_to_cde: ["PCI DSS 1.4.1", "PCI DSS 1.4.2"],
  unmapped_ip_to_cde: ["PCI DSS 1.2.4", "PCI DSS 1.3.1", "PCI DSS 1.3.2", "PCI DSS 12.5.1"],
};
const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };
const FLOW_RULES = new Set<string>(["connected.observed_flow", "security_impacting.service_to_cde", "security_impacting.admin_access", "security_impacting.role_tag"]);
const DATA_STORES = new Set<string>(["database", "bucket"]);
const ENTRY_POINT_KEYS = new Set(["pci:entry-point", "pci:entrypoint", "pci-entry-point", "pci_entry_point", "pci:entry_point"]);

/** An approved entry point: tagged `pci:entry-point=true` (docs/scoping-method.md). */
export function isApprovedEntryPoint(r: Resource | undefined): boolean {
  if (r === undefined) return false;
  for (const [k, v] of Object.entries(r.tags ?? {})) {
    if (ENTRY_POINT_KEYS.has(k.toLowerCase()) && ["true", "yes", "1"].includes(v.trim().toLowerCase())) return true;
  }
  return false;
}

function violation(kind: ViolationKind, severity: Severity, subjects: string[], summary: string, evidence: Evidence[], extraPci: string[] = []): Violation {
  return { id: stableHash(`${kind}\u0000${subjects.join("\u0000")}`), kind, severity, summary, pci: [...PCI[kind], ...extraPci], subjects, evidence };
}

/** RFC 1918, shared (CGNAT), loopback and link-local IPv4; anything else (and IPv6 not fc00::/7 or fe80::/10) counts as public. */
export function isPrivateAddress(ip: string): boolean {
  const v = ipv4ToInt(ip);
  if (v < 0) return /^(f[cd]|fe[89ab])/i.test(ip);
  const a = Math.floor(v / 16777216);
  const b = Math.floor(v / 65536) % 256;
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b < 128) || (a === 169 && b === 254);
}

/**
 * Segmentation violations: accepted flows or configured paths between the CDE and something
 * declared out of scope; the internet reaching a CDE component other than through an
 * approved entry point; unmapped addresses exchanging accepted traffic with the CDE.
 * Pure; sorted by severity, kind and id.
 */
export function findViolations(input: ClassifierInput, decisions: ReadonlyMap<string, ScopeDecision>, model: NetworkModel): Violation[] {
  const out: Violation[] = [];
  const cde = new Set<string>();
  for (const d of decisions.values()) if (d.scope === "cde" && d.confidence >= CONFIRMED_CDE_CONFIDENCE) cde.add(d.uid);

  for (const d of decisions.values()) {
    const v = decisionViolation(d);
    if (v !== undefined) out.push(v);
  }
  out.push(...internetViolations(cde, model));
  out.push(...unmappedToCde(edgeSource(input.edges), cde, model));
  return sortViolations(out);
}

/** Severity first, then kind, then id (the order findViolations returns). */
export function compareViolations(a: Violation, b: Violation): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function sortViolations(out: Violation[]): Violation[] {
  return out.sort(compareViolations);
}

/**
 * The violation a single decision carries on its own: out of scope, yet a flow or a
 * configured path with the CDE (flow_cde_out_of_scope, path_cde_out_of_scope). Depends on
 * nothing but the decision.
 */
export function decisionViolation(d: ScopeDecision): Violation | undefined {
  if (d.scope !== "out_of_scope") return undefined;
  const declared = d.reasons[0]!;
  const flow = d.reasons.find((r) => FLOW_RULES.has(r.rule));
  const path = d.reasons.find((r) => r.rule === "connected.configured_path");
  const who = declared.rule === "override.manual" ? "a manual override" : declared.rule === "tag.pci_scope" ? "a pci:scope tag" : "its classification";
  if (flow !== undefined) {
    return violation("flow_cde_out_of_scope", "critical", [d.uid],
      `${d.uid} is declared out of scope by ${who} but exchanges accepted traffic with the CDE: ${flow.summary}`,
      [...declared.evidence, ...flow.evidence]);
  }
  if (path !== undefined) {
    return violation("path_cde_out_of_scope", "high", [d.uid],
      `${d.uid} is declared out of scope by ${who} but the network configuration allows a path with the CDE: ${path.summary}`,
      [...declared.evidence, ...path.evidence]);
  }
  return undefined;
}

/** internet_to_cde for every confirmed CDE component: depends only on the CDE set and the network model (not on flows). */
export function internetViolations(cde: ReadonlySet<string>, model: NetworkModel): Violation[] {
  const out: Violation[] = [];
  const controls = new ControlIndex(model);
  for (const uid of [...cde].sort()) {
    const i = model.index.get(uid);
    if (i === undefined) continue;
    const r = model.resources[i]!;
    for (const x of internetExposures(model, uid)) {
      const entry = model.resources[model.index.get(x.entryPoint)!];
      if (isApprovedEntryPoint(entry)) continue;
      const store = DATA_STORES.has(r.kind);
      const via = x.via.length ? ` through ${x.via.join(", ")}` : "";
      out.push(violation("internet_to_cde", store ? "critical" : "high", [uid, x.entryPoint],
        `The internet reaches CDE component ${uid}${via} on ${x.protocol} ${x.ports}, and ${x.entryPoint} is not an approved entry point (tag pci:entry-point=true)`,
        [resourceEvidence(x.entryPoint, "internet-facing entry point without approval"),
          ...x.hops.map((h) => controls.evidence(h))],
        store ? ["PCI DSS 1.4.4"] : []));
    }
  }
  return out;
}

/**
 * The group edge `j` counts towards in unmapped_ip_to_cde: accepted, exactly one end mapped
 * and that end a confirmed CDE component; the other end's address. Undefined otherwise.
 */
export function unmappedGroupOf(edges: EdgeSource, j: number, isCdeUid: (uid: string | undefined) => boolean): { key: string; cdeUid: string; ip: string } | undefined {
  if (!edges.accepted(j)) return undefined;
  const s = edges.srcUid(j);
  const d = edges.dstUid(j);
  if ((s === undefined) === (d === undefined)) return undefined;
  const cdeUid = s ?? d!;
  if (!isCdeUid(cdeUid)) return undefined;
  const ip = s === undefined ? edges.srcIp(j) : edges.dstIp(j);
  return { key: `${cdeUid}\u0000${ip}`, cdeUid, ip };
}

function unmappedToCde(edges: EdgeSource, cde: ReadonlySet<string>, model: NetworkModel): Violation[] {
  if (cde.size === 0) return [];
  const groups = new Map<string, { cdeUid: string; ip: string; tally: FlowTally }>();
  const isCdeUid = uidFilter(cde);
  for (let j = 0; j < edges.length; j++) {
    const at = unmappedGroupOf(edges, j, isCdeUid);
    if (at === undefined) continue;
    let g = groups.get(at.key);
    if (g === undefined) groups.set(at.key, (g = { cdeUid: at.cdeUid, ip: at.ip, tally: new FlowTally() }));
    g.tally.add(edges, j);
  }
  const out: Violation[] = [];
  for (const g of groups.values()) {
    const v = unmappedViolation(edges, g.cdeUid, g.ip, g.tally, model);
    if (v !== undefined) out.push(v);
  }
  return out;
}

/** One group's unmapped_ip_to_cde, from the tally of its edges (added in ascending order); undefined when an approved entry point makes it expected. */
export function unmappedViolation(edges: EdgeSource, cdeUid: string, ip: string, t: FlowTally, model: NetworkModel): Violation | undefined {
  const isPublic = !isPrivateAddress(ip);
  const k = model.index.get(cdeUid);
  // Customers on the internet are the point of an approved entry point.
  if (isPublic && k !== undefined && isApprovedEntryPoint(model.resources[k])) return undefined;
  return violation("unmapped_ip_to_cde", isPublic ? "high" : "medium", [cdeUid, `ip:${ip}`],
    `${isPublic ? "Public" : "Private"} address ${ip}, not mapped to any inventoried resource, exchanged accepted traffic with CDE component ${cdeUid} (${t.edgeCount} flow edge${t.edgeCount === 1 ? "" : "s"}, ${t.bytes} bytes)`,
    [resourceEvidence(cdeUid, "CDE component"), ...t.evidence(edges).slice(0, EVIDENCE_CAP + 1)]);
}
