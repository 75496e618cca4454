import { decodeCursor, encodeCursor } from "./cursor.js";
import type { Page, ResourceFilter, ResourceListItem } from "./interface.js";
import { BadCursorError, listResources, RESOURCE_LIST_SELECT, resourceListItem, type ResourceListRow } from "./reads.js";

/**
 * The inventory sorted by a column, in keyset pages (a page costs what it returns, at any
 * depth and with 100,000 resources). Each order has an index that yields it, so SQLite never
 * sorts the tenant: resources by (name|kind|account, uid), decisions by (scope|confidence,
 * uid). Scope and confidence live in `decisions`, so those orders walk the decisions and
 * list the resources without one (not classified yet, rare and brief) after them.
 *
 * The name index also holds `search`, so a search in name order (the inventory's default)
 * tests each row on the index alone: with 100,000 resources a rare term walks the index in
 * ~13 ms instead of reading every row (its network and attributes come before `search`: ~200 ms).
 */
export const RESOURCE_SORTS = ["uid", "name", "kind", "scope", "confidence", "account"] as const;
export type ResourceSort = (typeof RESOURCE_SORTS)[number];
export type SortDirection = "asc" | "desc";

export interface SortedResourceFilter extends ResourceFilter {
  /** Default `uid` ascending (the original order, whose cursors stay valid). */
  sort?: ResourceSort;
  dir?: SortDirection;
}

/** Scope sorts by how much it matters (CDE first), not alphabetically; the index holds the same expression. */
function scopeRank(column: string): string {
  return `CASE ${column} WHEN 'cde' THEN 0 WHEN 'security_impacting' THEN 1 WHEN 'connected' THEN 2 ELSE 3 END`;
}

/** Indexes the orders above need beyond the base schema (schema.ts); run in the constructor. `resources_name` was the name index before it covered `search`. */
export const RESOURCE_SORT_DDL = `
DROP INDEX IF EXISTS resources_name;
CREATE INDEX IF NOT EXISTS resources_name_search ON resources (name, uid, search);
CREATE INDEX IF NOT EXISTS resources_account_uid ON resources (account, uid);
CREATE INDEX IF NOT EXISTS decisions_confidence ON decisions (confidence, uid);
CREATE INDEX IF NOT EXISTS decisions_scope_rank ON decisions ((${scopeRank("scope")}), uid);
`;

const RESOURCE_COLUMN: Partial<Record<ResourceSort, string>> = { name: "r.name", kind: "r.kind", account: "r.account" };
const DECISION_COLUMN: Partial<Record<ResourceSort, string>> = { scope: `(${scopeRank("d.scope")})`, confidence: "d.confidence" };
const SCOPE_RANK: Record<string, number> = { cde: 0, security_impacting: 1, connected: 2, out_of_scope: 3 };

type Binding = string | number | null;
/** [sort, dir, phase, value, uid]; phase 1 = the unclassified tail of a scope/confidence order. */
type SortCursor = [ResourceSort, SortDirection, 0 | 1, Binding, string];

function readCursor(cursor: string, sort: ResourceSort, dir: SortDirection): SortCursor {
  const key = decodeCursor(cursor, 5);
  if (!key || key[0] !== sort || key[1] !== dir || (key[2] !== 0 && key[2] !== 1) || typeof key[4] !== "string") throw new BadCursorError();
  const v = key[3];
  if (v !== null && typeof v !== "string" && typeof v !== "number") throw new BadCursorError();
  return key as SortCursor;
}

function filterClauses(filter: ResourceFilter): { where: string[]; args: Binding[] } {
  const where: string[] = [];
  const args: Binding[] = [];
  if (filter.scope === "unclassified") where.push("d.uid IS NULL");
  else if (filter.scope) where.push("d.scope = ?"), args.push(filter.scope);
  if (filter.kind) where.push("r.kind = ?"), args.push(filter.kind);
  if (filter.provider) where.push("r.provider = ?"), args.push(filter.provider);
  if (filter.account) where.push("r.account = ?"), args.push(filter.account);
  if (filter.q) where.push("instr(r.search, ?) > 0"), args.push(filter.q.toLowerCase());
  return { where, args };
}

const OVERRIDDEN = "LEFT JOIN overrides o ON o.uid = r.uid";

export function listSortedResources(sql: SqlStorage, filter: SortedResourceFilter): Page<ResourceListItem> {
  const sort = filter.sort ?? "uid";
  const dir = filter.dir ?? "asc";
  if (sort === "uid" && dir === "asc") return listResources(sql, filter);

  const after = filter.cursor ? readCursor(filter.cursor, sort, dir) : null;
  const { where, args } = filterClauses(filter);
  const cmp = dir === "asc" ? ">" : "<";
  const order = dir === "asc" ? "ASC" : "DESC";
  const limit = filter.limit + 1;
  const run = (from: string, extra: string[], extraArgs: Binding[], orderBy: string) => {
    const all = [...where, ...extra];
    return sql
      .exec<ResourceListRow>(`${RESOURCE_LIST_SELECT} ${from} ${all.length ? `WHERE ${all.join(" AND ")}` : ""} ORDER BY ${orderBy} LIMIT ?`, ...args, ...extraArgs, limit)
      .toArray();
  };

  let rows: (ResourceListRow & { phase: 0 | 1 })[];
  const decisionColumn = DECISION_COLUMN[sort];
  if (decisionColumn === undefined) {
    const column = RESOURCE_COLUMN[sort] ?? "r.uid";
    const keyed = column === "r.uid" ? [`r.uid ${cmp} ?`] : [`(${column}, r.uid) ${cmp} (?, ?)`];
    const keyArgs: Binding[] = !after ? [] : column === "r.uid" ? [after[4]] : [after[3], after[4]];
    const orderBy = column === "r.uid" ? `r.uid ${order}` : `${column} ${order}, r.uid ${order}`;
    rows = run(`FROM resources r LEFT JOIN decisions d ON d.uid = r.uid ${OVERRIDDEN}`, after ? keyed : [], keyArgs, orderBy).map((r) => ({ ...r, phase: 0 as const }));
  } else {
    rows = [];
    // CROSS JOIN keeps decisions as the outer loop, so its (column, uid) index gives the order.
    if (filter.scope !== "unclassified" && (!after || after[2] === 0)) {
      rows = run(
        `FROM decisions d CROSS JOIN resources r ON r.uid = d.uid ${OVERRIDDEN}`,
        after ? [`(${decisionColumn}, d.uid) ${cmp} (?, ?)`] : [],
        after ? [after[3], after[4]] : [],
        `${decisionColumn} ${order}, d.uid ${order}`,
      ).map((r) => ({ ...r, phase: 0 as const }));
    }
    // Resources without a decision come last in either direction.
    if (rows.length < limit && (filter.scope === undefined || filter.scope === "unclassified")) {
      const tailAfter = after?.[2] === 1 ? after[4] : null;
      const tail = run(
        `FROM resources r LEFT JOIN decisions d ON d.uid = r.uid ${OVERRIDDEN}`,
        ["d.uid IS NULL", ...(tailAfter !== null ? ["r.uid > ?"] : [])],
        tailAfter !== null ? [tailAfter] : [],
        "r.uid ASC",
      );
      rows.push(...tail.slice(0, limit - rows.length).map((r) => ({ ...r, phase: 1 as const })));
    }
  }

  const items = rows.slice(0, filter.limit).map(resourceListItem);
  const last = rows[filter.limit - 1];
  let nextCursor: string | null = null;
  if (rows.length > filter.limit && last) {
    const value: Binding = sort === "scope" ? (last.phase === 1 ? null : (SCOPE_RANK[last.scope ?? ""] ?? 3)) : sort === "confidence" ? last.confidence : sort === "uid" ? last.uid : (last[sort] as string);
    nextCursor = encodeCursor([sort, dir, last.phase, value, last.uid] satisfies SortCursor);
  }
  return { items, nextCursor };
}
