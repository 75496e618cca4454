import type {
  DriftEventView,
  DriftFilter,
  Page,
  ResourceFilter,
  ResourceListItem,
  ViolationFilter,
  ViolationView,
} from "../../durable-objects/tenant-scope/interface.js";
import type { ScopeDecision } from "../../scope/types.js";

/** The tenant object's paged reads the exports walk (a subset of TenantScopeRpc, so tests can hand in a fake). */
export interface ExportReader {
  listResources(filter: ResourceFilter): Promise<Page<ResourceListItem>>;
  getResource(uid: string, topFlows?: number): Promise<{ decision: ScopeDecision | null } | null>;
  listViolations(filter: ViolationFilter): Promise<Page<ViolationView>>;
  listDrift(filter: DriftFilter): Promise<Page<DriftEventView>>;
}

export interface InventoryFilter {
  scope?: ResourceFilter["scope"];
  provider?: ResourceFilter["provider"];
  account?: string;
}

export interface InventoryRow extends ResourceListItem {
  decision: ScopeDecision | null;
}

export interface PagingOptions {
  /** Resources per listResources call. */
  pageSize?: number;
  /** getResource calls in flight at once (the object has no bulk "decisions with reasons" read). */
  concurrency?: number;
}

/**
 * Every resource with its decision, one page at a time: memory stays at one page however large
 * the tenant, and the first page is read before anything is sent so a failure is still an error
 * response rather than a truncated file.
 */
export async function* inventoryPages(reader: ExportReader, filter: InventoryFilter = {}, o: PagingOptions = {}): AsyncGenerator<InventoryRow[]> {
  const limit = o.pageSize ?? 200;
  const concurrency = o.concurrency ?? 16;
  let cursor: string | undefined;
  do {
    const page = await reader.listResources({ ...filter, limit, ...(cursor ? { cursor } : {}) });
    const rows: InventoryRow[] = new Array(page.items.length);
    let next = 0;
    const worker = async () => {
      while (next < page.items.length) {
        const i = next++;
        const item = page.items[i]!;
        const detail = await reader.getResource(item.uid, 0);
        rows[i] = { ...item, decision: detail?.decision ?? null };
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, page.items.length) }, worker));
    yield rows;
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
