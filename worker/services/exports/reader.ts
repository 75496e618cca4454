import type { Provider } from "../../../contract/index.js";
import type {
  DecisionFilter,
  DecisionListItem,
  DriftEventView,
  DriftFilter,
  Page,
  ScopeFilter,
  ViolationFilter,
  ViolationView,
} from "../../durable-objects/tenant-scope/interface.js";

/** The tenant object's paged reads the exports walk (a subset of TenantScopeRpc, so tests can hand in a fake). */
export interface ExportReader {
  listDecisions(filter: DecisionFilter): Promise<Page<DecisionListItem>>;
  listViolations(filter: ViolationFilter): Promise<Page<ViolationView>>;
  listDrift(filter: DriftFilter): Promise<Page<DriftEventView>>;
}

export interface InventoryFilter {
  scope?: ScopeFilter;
  provider?: Provider;
  account?: string;
}

export type InventoryRow = DecisionListItem;

export interface PagingOptions {
  /** Resources per listDecisions call; the object caps a page at DECISION_PAGE. */
  pageSize?: number;
}

/** The most rows one listDecisions call returns (MAX_DECISION_PAGE in durable-objects/tenant-scope/reads.ts). */
export const DECISION_PAGE = 1_000;

const matches = (f: InventoryFilter) => (r: DecisionListItem) =>
  (f.scope === undefined || (f.scope === "unclassified" ? r.decision === null : r.decision?.scope === f.scope)) &&
  (f.provider === undefined || r.provider === f.provider) &&
  (f.account === undefined || r.account === f.account);

/**
 * Every resource with its whole decision (reasons included), by uid, one listDecisions page
 * at a time: one RPC per 1,000 resources, memory one page however large the tenant. The
 * object's decision pages take no filter, so a filtered export reads every page and keeps the
 * rows that match (the same rules as listResources: `unclassified` is "no decision"); pages
 * left empty by the filter are skipped, except the first, which is always yielded so the
 * caller can write its header before anything else (and fail as a plain error response).
 */
export async function* inventoryPages(reader: ExportReader, filter: InventoryFilter = {}, o: PagingOptions = {}): AsyncGenerator<InventoryRow[]> {
  const limit = o.pageSize ?? DECISION_PAGE;
  const keep = filter.scope === undefined && filter.provider === undefined && filter.account === undefined ? undefined : matches(filter);
  let cursor: string | undefined;
  let first = true;
  do {
    const page = await reader.listDecisions({ limit, ...(cursor ? { cursor } : {}) });
    const rows = keep ? page.items.filter(keep) : page.items;
    if (rows.length > 0 || first) yield rows;
    first = false;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** Walks a cursor-paged listing to its end, a page at a time. */
export async function* pages<T>(list: (cursor: string | undefined) => Promise<Page<T>>): AsyncGenerator<T[]> {
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    yield page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
