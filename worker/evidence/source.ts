import type { Rule } from "../../contract/index.js";
import type { FlowEdgeView, Page, ResourceListItem, ScopeSummary, ViolationView } from "../durable-objects/tenant-scope/interface.js";
import type { Reason, ScopeDecision } from "../scope/types.js";

/** A resource as evidence lists it: its inventory facts, decision and reasons. */
export interface ScopeResource extends ResourceListItem {
  reasons: Reason[];
}

/** Everything the artifact builders read, collected once per generation from the tenant's object. */
export interface ScopeData {
  tenantId: string;
  tenantName: string;
  generatedAt: number;
  summary: ScopeSummary;
  /** Ordered by uid. */
  resources: ScopeResource[];
  /** Accepted flows with at least one end in the CDE (bytes-ordered pages as the object returns them). */
  boundaryFlows: FlowEdgeView[];
  /** True when there were more boundary flows than MAX_BOUNDARY_FLOWS. */
  boundaryFlowsTruncated: boolean;
  /** Rules on the security groups of CDE components (the CDE's own controls). */
  cdeRules: Rule[];
  /**
   * The object's stored violations that are not resolved (found by worker/scope/violations.ts
   * with the network model, so internet_to_cde included). Absent only in synthetic data; the
   * report then derives what it can from the decisions and boundary flows.
   */
  violations?: ViolationView[];
}

/** The reads evidence needs from the TenantScope object. */
export interface ScopeReader {
  summary(): Promise<ScopeSummary>;
  listDecisions(filter: { cursor?: string; limit: number }): Promise<Page<ResourceListItem & { decision: ScopeDecision | null }>>;
  getResource(uid: string, topFlows?: number): Promise<{ rules: Rule[] } | null>;
  listViolations(filter: { status: "open" | "acknowledged"; cursor?: string; limit: number }): Promise<Page<ViolationView>>;
  listFlows(filter: { srcScope?: "cde"; dstScope?: "cde"; action?: "accept"; cursor?: string; limit: number }): Promise<{ items: FlowEdgeView[]; nextCursor: string | null }>;
}

export const MAX_BOUNDARY_FLOWS = 5_000;
const PAGE = 500;
const DECISION_PAGE = 1_000;
const DETAIL_CONCURRENCY = 16;

/**
 * Reads a tenant's whole scope through the object's paged RPCs: resources with their
 * decisions and reasons in pages, the CDE components' rules one getResource each (the CDE
 * is a small part of a tenant), boundary flows, and the stored violations.
 */
export async function collectScopeData(reader: ScopeReader, tenant: { id: string; name: string }, now: number): Promise<ScopeData> {
  const summary = await reader.summary();
  const resources: ScopeResource[] = [];
  let cursor: string | undefined;
  do {
    const page = await reader.listDecisions({ limit: DECISION_PAGE, ...(cursor ? { cursor } : {}) });
    for (const { decision, ...item } of page.items) resources.push({ ...item, reasons: decision?.reasons ?? [] });
    cursor = page.nextCursor ?? undefined;
  } while (cursor);

  const cde = resources.filter((r) => r.scope === "cde");
  const cdeRules = new Map<string, Rule>();
  let next = 0;
  const worker = async () => {
    while (next < cde.length) {
      const detail = await reader.getResource(cde[next++]!.uid, 0);
      for (const r of detail?.rules ?? []) cdeRules.set(r.id, r);
    }
  };
  await Promise.all(Array.from({ length: Math.min(DETAIL_CONCURRENCY, cde.length) }, worker));

  const violations: ViolationView[] = [];
  for (const status of ["open", "acknowledged"] as const) {
    let c: string | undefined;
    do {
      const page = await reader.listViolations({ status, limit: PAGE, ...(c ? { cursor: c } : {}) });
      violations.push(...page.items);
      c = page.nextCursor ?? undefined;
    } while (c);
  }

  const flows = new Map<string, FlowEdgeView>();
  let truncated = false;
  for (const side of ["srcScope", "dstScope"] as const) {
    let c: string | undefined;
    do {
      const page = await reader.listFlows({ [side]: "cde", action: "accept", limit: PAGE, ...(c ? { cursor: c } : {}) });
      for (const f of page.items) flows.set(`${f.srcIp}>${f.dstIp}:${f.dstPort}/${f.protocol}`, f);
      c = page.nextCursor ?? undefined;
      if (flows.size >= MAX_BOUNDARY_FLOWS) {
        truncated = c !== undefined || side === "srcScope";
        c = undefined;
      }
    } while (c);
    if (flows.size >= MAX_BOUNDARY_FLOWS) break;
  }
  return {
    tenantId: tenant.id,
    tenantName: tenant.name,
    generatedAt: now,
    summary,
    resources,
    boundaryFlows: [...flows.values()],
    boundaryFlowsTruncated: truncated,
    cdeRules: [...cdeRules.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    violations,
  };
}
