import type { Rule } from "../../contract/index.js";
import type { FlowEdgeView, ResourceListItem, ScopeSummary } from "../durable-objects/tenant-scope/interface.js";
import type { Reason } from "../scope/types.js";

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
}

/** The reads evidence needs from the TenantScope object: existing RPCs only. */
export interface ScopeReader {
  summary(): Promise<ScopeSummary>;
  listResources(filter: { cursor?: string; limit: number }): Promise<{ items: ResourceListItem[]; nextCursor: string | null }>;
  getResource(uid: string, topFlows?: number): Promise<{ decision: { reasons: Reason[] } | null; rules: Rule[] } | null>;
  listFlows(filter: { srcScope?: "cde"; dstScope?: "cde"; action?: "accept"; cursor?: string; limit: number }): Promise<{ items: FlowEdgeView[]; nextCursor: string | null }>;
}

export const MAX_BOUNDARY_FLOWS = 5_000;
const PAGE = 500;
const DETAIL_CONCURRENCY = 16;

/**
 * Reads a tenant's whole scope through the object's paged RPCs. Reasons come from one
 * getResource per resource (the object has no bulk "decisions with reasons" read yet; see
 * docs/evidence.md, "Limits") — bounded concurrency keeps the object responsive.
 */
export async function collectScopeData(reader: ScopeReader, tenant: { id: string; name: string }, now: number): Promise<ScopeData> {
  const summary = await reader.summary();
  const items: ResourceListItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await reader.listResources({ limit: PAGE, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);

  const resources: ScopeResource[] = new Array(items.length);
  const cdeRules = new Map<string, Rule>();
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      const item = items[i]!;
      const detail = await reader.getResource(item.uid, 0);
      resources[i] = { ...item, reasons: detail?.decision?.reasons ?? [] };
      if (item.scope === "cde") for (const r of detail?.rules ?? []) cdeRules.set(r.id, r);
    }
  };
  await Promise.all(Array.from({ length: Math.min(DETAIL_CONCURRENCY, items.length) }, worker));

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
  };
}
