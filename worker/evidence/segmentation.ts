import { CONFIRMED_CDE_CONFIDENCE } from "../scope/catalog.js";
import { stableHash } from "../scope/hash.js";
import type { Evidence } from "../scope/types.js";
import { isApprovedEntryPoint, isPrivateAddress, type Severity, type ViolationKind } from "../scope/violations.js";
import type { ScopeData, ScopeResource } from "./source.js";

const FLOW_RULES = new Set<string>(["connected.observed_flow", "security_impacting.service_to_cde", "security_impacting.admin_access", "security_impacting.role_tag"]);
const PCI: Partial<Record<ViolationKind, string[]>> = {
  flow_cde_out_of_scope: ["PCI DSS 1.3.1", "PCI DSS 1.3.2", "PCI DSS 11.4.5", "PCI DSS 12.5.2"],
  path_cde_out_of_scope: ["PCI DSS 1.2.3", "PCI DSS 1.3.1", "PCI DSS 11.4.5", "PCI DSS 12.5.2"],
  unmapped_ip_to_cde: ["PCI DSS 1.2.4", "PCI DSS 1.3.1", "PCI DSS 1.3.2", "PCI DSS 12.5.1"],
};
const RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

export interface SegmentationViolation {
  id: string;
  kind: ViolationKind;
  severity: Severity;
  summary: string;
  pci: string[];
  subjects: string[];
  evidence: Evidence[];
}

const isCde = (r: ScopeResource | undefined) => r !== undefined && r.scope === "cde" && (r.confidence ?? 0) >= CONFIRMED_CDE_CONFIDENCE;

/**
 * The segmentation report (1.3.1/1.3.2 and the 11.4.5/11.4.6 segmentation test's input): the
 * CDE boundary, every accepted connection across it, the controls that keep each out-of-scope
 * resource out, and the violations the object stored with its last classification (found
 * with the network model, so the internet reaching the CDE is included); synthetic data
 * without them gets the ones derivable from the decisions and boundary flows.
 */
export function buildSegmentationReport(data: ScopeData) {
  const byUid = new Map(data.resources.map((r) => [r.uid, r]));
  const cde = data.resources.filter(isCde);
  const violations: SegmentationViolation[] = [];
  const derive = data.violations === undefined;
  const push = (kind: ViolationKind, severity: Severity, subjects: string[], summary: string, evidence: Evidence[]) => {
    if (derive) violations.push({ id: stableHash(`${kind}\u0000${subjects.join("\u0000")}`), kind, severity, summary, pci: PCI[kind] ?? [], subjects, evidence });
  };

  const outOfScope = [];
  for (const r of data.resources) {
    if (r.scope !== "out_of_scope") continue;
    const declared = r.reasons[0];
    const flow = r.reasons.find((x) => FLOW_RULES.has(x.rule));
    const path = r.reasons.find((x) => x.rule === "connected.configured_path");
    if (declared && flow) push("flow_cde_out_of_scope", "critical", [r.uid], `${r.uid} is declared out of scope but exchanges accepted traffic with the CDE: ${flow.summary}`, [...declared.evidence, ...flow.evidence]);
    else if (declared && path) push("path_cde_out_of_scope", "high", [r.uid], `${r.uid} is declared out of scope but the network configuration allows a path with the CDE: ${path.summary}`, [...declared.evidence, ...path.evidence]);
    const controls = r.reasons.flatMap((x) => x.evidence.filter((e) => e.type === "rule" || e.type === "route" || e.type === "absence"));
    outOfScope.push({ uid: r.uid, name: r.name, kind: r.kind, rule: declared?.rule ?? null, controls });
  }

  const connections = [];
  const unmapped = new Map<string, { cdeUid: string; ip: string; edges: number; bytes: number }>();
  for (const f of data.boundaryFlows) {
    const src = f.srcUid ? byUid.get(f.srcUid) : undefined;
    const dst = f.dstUid ? byUid.get(f.dstUid) : undefined;
    const srcCde = isCde(src);
    const dstCde = isCde(dst);
    if (srcCde === dstCde) continue;
    const cdeEnd = srcCde ? src! : dst!;
    const otherUid = srcCde ? f.dstUid : f.srcUid;
    const otherIp = srcCde ? f.dstIp : f.srcIp;
    const other = otherUid ? byUid.get(otherUid) : undefined;
    connections.push({
      direction: srcCde ? "outbound" : "inbound",
      cdeUid: cdeEnd.uid,
      other: otherUid ?? `ip:${otherIp}`,
      otherScope: other?.scope ?? "unmapped",
      srcIp: f.srcIp, dstIp: f.dstIp, dstPort: f.dstPort, protocol: f.protocol,
      packets: f.packets, bytes: f.bytes, flows: f.flows,
      firstSeen: new Date(f.firstSeen).toISOString(), lastSeen: new Date(f.lastSeen).toISOString(),
    });
    if (otherUid === undefined) {
      if (!isPrivateAddress(otherIp) && isApprovedEntryPoint({ tags: cdeEnd.tags } as never)) continue;
      const key = `${cdeEnd.uid}\u0000${otherIp}`;
      const g = unmapped.get(key) ?? { cdeUid: cdeEnd.uid, ip: otherIp, edges: 0, bytes: 0 };
      g.edges++;
      g.bytes += f.bytes;
      unmapped.set(key, g);
    }
  }
  for (const g of unmapped.values()) {
    const pub = !isPrivateAddress(g.ip);
    push("unmapped_ip_to_cde", pub ? "high" : "medium", [g.cdeUid, `ip:${g.ip}`],
      `${pub ? "Public" : "Private"} address ${g.ip}, not mapped to any inventoried resource, exchanged accepted traffic with CDE component ${g.cdeUid} (${g.edges} flow edge${g.edges === 1 ? "" : "s"}, ${g.bytes} bytes)`,
      [{ type: "resource", uid: g.cdeUid, relation: "CDE component" }]);
  }
  for (const v of data.violations ?? []) {
    violations.push({ id: v.id, kind: v.kind, severity: v.severity, summary: v.summary, pci: v.pci, subjects: v.subjects, evidence: v.evidence });
  }
  violations.sort((a, b) => RANK[a.severity] - RANK[b.severity] || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) || (a.id < b.id ? -1 : 1));
  connections.sort((a, b) => (a.cdeUid < b.cdeUid ? -1 : a.cdeUid > b.cdeUid ? 1 : a.other < b.other ? -1 : a.other > b.other ? 1 : a.dstPort - b.dstPort));

  return {
    method: derive
      ? "docs/scoping-method.md; violations per DESIGN §4 from stored decisions and accepted boundary flows"
      : "docs/scoping-method.md; violations per DESIGN §4 as stored by the last classification (decisions, flows and the network model)",
    boundary: cde.map((r) => ({ uid: r.uid, name: r.name, kind: r.kind, account: r.account, region: r.region, confidence: r.confidence, rule: r.reasons[0]?.rule ?? null })),
    cdeControls: data.cdeRules,
    connections,
    connectionsTruncated: data.boundaryFlowsTruncated,
    outOfScope,
    violations,
    counts: { cde: cde.length, connections: connections.length, outOfScope: outOfScope.length, violations: violations.length },
  };
}
export type SegmentationBody = ReturnType<typeof buildSegmentationReport>;
