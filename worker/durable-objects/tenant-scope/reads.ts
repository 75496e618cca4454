import type { Provider, ResourceKind, Rule } from "../../../contract/index.js";
import type { Reason, Scope, ScopeDecision } from "../../scope/types.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import type {
  DecisionFilter,
  DecisionListItem,
  FlowEdgeView,
  FlowFilter,
  Page,
  ResourceDetail,
  ResourceFilter,
  ResourceListItem,
  ScopeCount,
  ScopeFilter,
  ScopeSummary,
} from "./interface.js";
import { FLOW_EDGE_COLUMNS, flowEdgeFromRow, overrideFromRow, RESOURCE_COLUMNS, resourceFromRow, type FlowEdgeRow, type OverrideRow, type ResourceRow } from "./rows.js";
import { readMeta, SHARED_REASONS } from "./schema.js";

/** Thrown for a cursor the object did not make; the worker maps it to INVALID_REQUEST. */
export class BadCursorError extends Error {
  constructor() {
    super("cursor is not valid for this listing");
    this.name = "BadCursorError";
  }
}

type Binding = string | number | null;

/** The summary stored by the last classification, or computed now if that is out of date. */
export function cachedSummary(sql: SqlStorage): ScopeSummary {
  const cached = readMeta(sql, "summary");
  if (cached !== null && readMeta(sql, "dirty") !== "1") return JSON.parse(cached) as ScopeSummary;
  return summary(sql);
}

export function summary(sql: SqlStorage): ScopeSummary {
  const add = (count: ScopeCount, scope: string | null, n: number) => {
    const key = (scope ?? "unclassified") as ScopeFilter;
    count.byScope[key] = (count.byScope[key] ?? 0) + n;
    count.total += n;
  };

  const totals: ScopeSummary["resources"] = { total: 0, byScope: {}, stale: 0, overridden: 0 };
  const byAccount = new Map<string, ScopeSummary["byProviderAccount"][number]>();
  const accountRows = sql
    .exec<{ provider: string; account: string; scope: string | null; n: number }>(
      `SELECT r.provider, r.account, d.scope AS scope, count(*) AS n
       FROM resources r LEFT JOIN decisions d ON d.uid = r.uid GROUP BY r.provider, r.account, d.scope`,
    )
    .toArray();
  for (const row of accountRows) {
    const k = `${row.provider}\u0000${row.account}`;
    let entry = byAccount.get(k);
    if (!entry) byAccount.set(k, (entry = { provider: row.provider as Provider, account: row.account, total: 0, byScope: {} }));
    add(entry, row.scope, row.n);
    add(totals, row.scope, row.n);
  }
  const byKind = new Map<string, ScopeSummary["byKind"][number]>();
  const kindRows = sql
    .exec<{ kind: string; scope: string | null; n: number }>(
      "SELECT r.kind, d.scope AS scope, count(*) AS n FROM resources r LEFT JOIN decisions d ON d.uid = r.uid GROUP BY r.kind, d.scope",
    )
    .toArray();
  for (const row of kindRows) {
    let entry = byKind.get(row.kind);
    if (!entry) byKind.set(row.kind, (entry = { kind: row.kind as ResourceKind, total: 0, byScope: {} }));
    add(entry, row.scope, row.n);
  }
  totals.stale = sql.exec<{ n: number }>("SELECT count(*) AS n FROM resources WHERE stale = 1").one().n;
  totals.overridden = sql.exec<{ n: number }>("SELECT count(*) AS n FROM overrides o JOIN resources r ON r.uid = o.uid").one().n;

  const scan = sql
    .exec<{ scan_id: string; collector_id: string; parts: number; committed_at: number }>(
      "SELECT scan_id, collector_id, parts, committed_at FROM scans WHERE status = 'committed' ORDER BY committed_at DESC LIMIT 1",
    )
    .toArray()[0];
  const f = sql
    .exec<{ edges: number; accepted: number | null; unmapped: number | null; packets: number | null; bytes: number | null; flows: number | null }>(
      `SELECT count(*) AS edges, sum(action = 'accept') AS accepted, sum(src_uid IS NULL OR dst_uid IS NULL) AS unmapped,
              sum(packets) AS packets, sum(bytes) AS bytes, sum(flows) AS flows FROM flow_edges`,
    )
    .one();
  const classifiedAt = readMeta(sql, "classified_at");
  const sortByTotal = <T extends { total: number }>(xs: T[]) => xs.sort((a, b) => b.total - a.total);
  return {
    resources: totals,
    byProviderAccount: sortByTotal([...byAccount.values()]),
    byKind: sortByTotal([...byKind.values()]),
    lastScan: scan ? { scanId: scan.scan_id, collectorId: scan.collector_id, parts: scan.parts, committedAt: scan.committed_at } : null,
    flows: {
      edges: f.edges,
      accepted: f.accepted ?? 0,
      rejected: f.edges - (f.accepted ?? 0),
      unmapped: f.unmapped ?? 0,
      packets: f.packets ?? 0,
      bytes: f.bytes ?? 0,
      flows: f.flows ?? 0,
    },
    classifiedAt: classifiedAt === null ? null : Number(classifiedAt),
  };
}

export type ResourceListRow = {
  uid: string; provider: string; account: string; region: string; kind: string; name: string; tags: string; stale: number;
  first_seen: number; last_seen: number; scope: string | null; confidence: number | null; overridden: number;
};
export const RESOURCE_LIST_SELECT = `SELECT r.uid, r.provider, r.account, r.region, r.kind, r.name, r.tags, r.stale, r.first_seen, r.last_seen,
              d.scope, d.confidence, (o.uid IS NOT NULL) AS overridden`;
const RESOURCE_LIST_FROM = "FROM resources r LEFT JOIN decisions d ON d.uid = r.uid LEFT JOIN overrides o ON o.uid = r.uid";

export const resourceListItem = (r: ResourceListRow): ResourceListItem => ({
  uid: r.uid,
  provider: r.provider as ResourceListItem["provider"],
  account: r.account,
  region: r.region,
  kind: r.kind as ResourceListItem["kind"],
  name: r.name,
  tags: JSON.parse(r.tags) as Record<string, string>,
  stale: r.stale === 1,
  scope: r.scope as Scope | null,
  confidence: r.confidence,
  overridden: r.overridden === 1,
  firstSeen: r.first_seen,
  lastSeen: r.last_seen,
});

function uidCursor(cursor: string): string {
  const key = decodeCursor(cursor, 1);
  if (!key || typeof key[0] !== "string") throw new BadCursorError();
  return key[0];
}

export function listResources(sql: SqlStorage, filter: ResourceFilter): Page<ResourceListItem> {
  const where: string[] = [];
  const args: Binding[] = [];
  if (filter.scope === "unclassified") where.push("d.uid IS NULL");
  else if (filter.scope) where.push("d.scope = ?"), args.push(filter.scope);
  if (filter.kind) where.push("r.kind = ?"), args.push(filter.kind);
  if (filter.provider) where.push("r.provider = ?"), args.push(filter.provider);
  if (filter.account) where.push("r.account = ?"), args.push(filter.account);
  if (filter.q) where.push("instr(r.search, ?) > 0"), args.push(filter.q.toLowerCase());
  if (filter.cursor) where.push("r.uid > ?"), args.push(uidCursor(filter.cursor));
  const rows = sql
    .exec<ResourceListRow>(
      `${RESOURCE_LIST_SELECT} ${RESOURCE_LIST_FROM}
       ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY r.uid LIMIT ?`,
      ...args,
      filter.limit + 1,
    )
    .toArray();
  const items = rows.slice(0, filter.limit).map(resourceListItem);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > filter.limit && last ? encodeCursor([last.uid]) : null };
}

/** Most rows one `listDecisions` page returns: reasons make a row ~1–2 KB. */
export const MAX_DECISION_PAGE = 1_000;

/**
 * Every resource with its whole decision, by uid, in one indexed pass per page: what a
 * scope snapshot needs without one getResource per resource. The shared reason is parsed
 * once per page.
 */
export function listDecisions(sql: SqlStorage, filter: DecisionFilter): Page<DecisionListItem> {
  const limit = Math.max(1, Math.min(MAX_DECISION_PAGE, Math.floor(filter.limit)));
  const after = filter.cursor ? uidCursor(filter.cursor) : null;
  const rows = sql
    .exec<ResourceListRow & { reasons: string | null }>(
      `${RESOURCE_LIST_SELECT}, d.reasons ${RESOURCE_LIST_FROM}
       ${after !== null ? "WHERE r.uid > ?" : ""} ORDER BY r.uid LIMIT ?`,
      ...(after !== null ? [after] : []),
      limit + 1,
    )
    .toArray();
  let shared: Reason[] | undefined;
  const items = rows.slice(0, limit).map((r): DecisionListItem => {
    const item = resourceListItem(r);
    if (r.reasons === null || r.scope === null) return { ...item, decision: null };
    const reasons = r.reasons === SHARED_REASONS ? (shared ??= storedReasons(sql, r.reasons)) : (JSON.parse(r.reasons) as Reason[]);
    return { ...item, decision: { uid: r.uid, scope: r.scope as Scope, confidence: r.confidence!, reasons } };
  });
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.uid]) : null };
}

/** Each edge carries its ends' scopes (edge-scopes.ts): no join with decisions. */
const FLOW_VIEW_SELECT = `SELECT ${FLOW_EDGE_COLUMNS
  .split(", ")
  .map((c) => `f.${c}`)
  .join(", ")}, f.src_scope, f.dst_scope FROM flow_edges f`;

type FlowViewRow = FlowEdgeRow & { src_scope: string | null; dst_scope: string | null };
const flowView = (row: FlowViewRow): FlowEdgeView => ({
  ...flowEdgeFromRow(row),
  srcScope: row.src_scope as Scope | null,
  dstScope: row.dst_scope as Scope | null,
});

export function getResource(sql: SqlStorage, uid: string, topFlows: number): ResourceDetail | null {
  const row = sql.exec<ResourceRow>(`SELECT ${RESOURCE_COLUMNS} FROM resources WHERE uid = ?`, uid).toArray()[0];
  if (!row) return null;
  const resource = resourceFromRow(row);
  const d = sql.exec<{ scope: string; confidence: number; reasons: string }>("SELECT scope, confidence, reasons FROM decisions WHERE uid = ?", uid).toArray()[0];
  const decision: ScopeDecision | null = d ? { uid, scope: d.scope as Scope, confidence: d.confidence, reasons: storedReasons(sql, d.reasons) } : null;
  const o = sql.exec<OverrideRow>("SELECT * FROM overrides WHERE uid = ?", uid).toArray()[0];
  const flows = (column: "src_uid" | "dst_uid") =>
    sql.exec<FlowViewRow>(`${FLOW_VIEW_SELECT} WHERE f.${column} = ? ORDER BY f.bytes DESC LIMIT ?`, uid, topFlows).toArray().map(flowView);

  // Its security groups' rules, and its own if it is itself a control (a group, an ACL, a firewall).
  const owners = [...new Set([uid, ...resource.network.securityGroups])];
  const rules = sql
    .exec<{ json: string }>(`SELECT json FROM rules WHERE owner_uid IN (${owners.map(() => "?").join(", ")}) ORDER BY owner_uid, id`, ...owners)
    .toArray()
    .map((r) => JSON.parse(r.json) as Rule);

  return {
    resource,
    stale: row.stale === 1,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
    scanId: row.scan_id,
    decision,
    override: o ? overrideFromRow(o) : null,
    flowsIn: flows("dst_uid"),
    flowsOut: flows("src_uid"),
    rules,
  };
}

/** A decision's reasons as stored: JSON, or the marker for the one reason many decisions share (reclassify.ts). */
export function storedReasons(sql: SqlStorage, text: string): Reason[] {
  if (text !== SHARED_REASONS) return JSON.parse(text) as Reason[];
  const shared = readMeta(sql, "shared_reason");
  if (shared === null) throw new Error("a decision refers to the shared reason but none is stored");
  return [JSON.parse(shared) as Reason];
}

export function listFlows(sql: SqlStorage, filter: FlowFilter): Page<FlowEdgeView> {
  const where: string[] = [];
  const args: Binding[] = [];
  if (filter.uid) where.push("(f.src_uid = ? OR f.dst_uid = ?)"), args.push(filter.uid, filter.uid);
  for (const [side, value] of [["src", filter.srcScope], ["dst", filter.dstScope]] as const) {
    if (value === "unmapped") where.push(`f.${side}_scope IS NULL`);
    // A literal, so the partial CDE index applies (SQLite cannot match a bound parameter to it).
    else if (value === "cde") where.push(`f.${side}_scope = 'cde'`);
    else if (value) where.push(`f.${side}_scope = ?`), args.push(value);
  }
  if (filter.port !== undefined) where.push("f.dst_port = ?"), args.push(filter.port);
  if (filter.protocol !== undefined) where.push("f.protocol = ?"), args.push(filter.protocol);
  if (filter.action) where.push("f.action = ?"), args.push(filter.action);
  if (filter.cursor) {
    const key = decodeCursor(filter.cursor, 5);
    if (!key) throw new BadCursorError();
    where.push("(f.src_ip, f.dst_ip, f.dst_port, f.protocol, f.action) > (?, ?, ?, ?, ?)");
    args.push(...(key as Binding[]));
  }
  const rows = sql
    .exec<FlowViewRow>(
      `${FLOW_VIEW_SELECT} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY f.src_ip, f.dst_ip, f.dst_port, f.protocol, f.action LIMIT ?`,
      ...args,
      filter.limit + 1,
    )
    .toArray();
  const items = rows.slice(0, filter.limit).map(flowView);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: rows.length > filter.limit && last ? encodeCursor([last.srcIp, last.dstIp, last.dstPort, last.protocol, last.action]) : null,
  };
}
