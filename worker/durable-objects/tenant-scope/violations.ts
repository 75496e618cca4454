import type { Violation } from "../../scope/violations.js";
import type { Evidence } from "../../scope/types.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import type { Page, SetViolationStatusInput, ViolationFilter, ViolationStatus, ViolationView } from "./interface.js";
import { BadCursorError } from "./reads.js";

export const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

type ViolationRow = {
  id: string;
  kind: string;
  severity: string;
  summary: string;
  pci: string;
  subjects: string;
  evidence: string;
  first_seen: number;
  last_seen: number;
  status: string;
  status_comment: string | null;
  status_by: string | null;
  status_at: number | null;
};

const COLUMNS = "id, kind, severity, summary, pci, subjects, evidence, first_seen, last_seen, status, status_comment, status_by, status_at";

function view(r: ViolationRow): ViolationView {
  return {
    id: r.id,
    kind: r.kind as ViolationView["kind"],
    severity: r.severity as ViolationView["severity"],
    summary: r.summary,
    pci: JSON.parse(r.pci) as string[],
    subjects: JSON.parse(r.subjects) as string[],
    evidence: JSON.parse(r.evidence) as Evidence[],
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    status: r.status as ViolationStatus,
    statusComment: r.status_comment,
    statusBy: r.status_by,
    statusAt: r.status_at,
  };
}

export interface ViolationChanges {
  opened: { violation: ViolationView; reopened: boolean }[];
  resolved: ViolationView[];
}

function event(sql: SqlStorage, id: string, status: ViolationStatus, comment: string | null, by: string, at: number): void {
  sql.exec("INSERT INTO violation_events (violation_id, status, comment, by, at) VALUES (?, ?, ?, ?, ?)", id, status, comment, by, at);
}

/**
 * Makes the stored violations follow what the last classification found (inside the caller's
 * transaction): new ones open; ones no longer found are resolved by `system`; a resolved one
 * found again re-opens (also when a person resolved it: resolve means "fixed", and
 * acknowledge is how to accept a known one). The content of a still-present violation
 * follows the finding; its status and comment stay. Every status change is kept in
 * `violation_events`.
 */
export function syncViolations(sql: SqlStorage, found: readonly Violation[], now: number): ViolationChanges {
  const changes: ViolationChanges = { opened: [], resolved: [] };
  const current = new Map(sql.exec<ViolationRow>(`SELECT ${COLUMNS} FROM violations WHERE status != 'resolved'`).toArray().map((r) => [r.id, r]));
  const seen = new Set<string>();
  for (const v of found) {
    if (seen.has(v.id)) continue;
    seen.add(v.id);
    upsertFound(sql, v, current.get(v.id), now, changes);
  }
  for (const [id, row] of current) if (!seen.has(id)) resolveGone(sql, row, now, changes);
  // Exactly the violations found now are not resolved: one statement marks them all seen.
  sql.exec("UPDATE violations SET last_seen = ? WHERE status != 'resolved'", now);
  return changes;
}

/**
 * The same as `syncViolations`, given only what changed since the last sync (worker/scope/derived.ts
 * `rederiveTouched`): violations new or with new content, and ids no longer found. Everything
 * else found stays as stored. Valid only while the stored open violations are exactly those
 * the last sync left (a person resolving one makes the next classification sync in full).
 */
export function syncViolationChanges(sql: SqlStorage, changed: { upsert: readonly Violation[]; gone: readonly string[] }, now: number): ViolationChanges {
  const changes: ViolationChanges = { opened: [], resolved: [] };
  const held = (id: string) => sql.exec<ViolationRow>(`SELECT ${COLUMNS} FROM violations WHERE id = ? AND status != 'resolved'`, id).toArray()[0];
  for (const v of changed.upsert) upsertFound(sql, v, held(v.id), now, changes);
  for (const id of changed.gone) {
    const row = held(id);
    if (row) resolveGone(sql, row, now, changes);
  }
  sql.exec("UPDATE violations SET last_seen = ? WHERE status != 'resolved'", now);
  return changes;
}

/** A violation found now: its stored content follows the finding; a new or resolved one (re)opens. */
function upsertFound(sql: SqlStorage, v: Violation, held: ViolationRow | undefined, now: number, changes: ViolationChanges): void {
  const pci = JSON.stringify(v.pci);
  const subjects = JSON.stringify(v.subjects);
  const evidence = JSON.stringify(v.evidence);
  if (held) {
    if (held.severity !== v.severity || held.summary !== v.summary || held.pci !== pci || held.subjects !== subjects || held.evidence !== evidence) {
      sql.exec(
        "UPDATE violations SET kind = ?, severity = ?, severity_rank = ?, summary = ?, pci = ?, subjects = ?, evidence = ? WHERE id = ?",
        v.kind, v.severity, SEVERITY_RANK[v.severity], v.summary, pci, subjects, evidence, v.id,
      );
    }
    return;
  }
  const resolved = sql.exec<{ n: number }>("SELECT count(*) AS n FROM violations WHERE id = ?", v.id).one().n > 0;
  const comment = resolved ? "found again" : null;
  sql.exec(
    `INSERT INTO violations (id, kind, severity, severity_rank, summary, pci, subjects, evidence, first_seen, last_seen, status, status_comment, status_by, status_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, 'system', ?)
     ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, severity = excluded.severity, severity_rank = excluded.severity_rank,
       summary = excluded.summary, pci = excluded.pci, subjects = excluded.subjects, evidence = excluded.evidence,
       status = 'open', status_comment = excluded.status_comment, status_by = 'system', status_at = excluded.status_at`,
    v.id, v.kind, v.severity, SEVERITY_RANK[v.severity], v.summary, pci, subjects, evidence, now, now, comment, now,
  );
  event(sql, v.id, "open", comment, "system", now);
  changes.opened.push({ violation: view(sql.exec<ViolationRow>(`SELECT ${COLUMNS} FROM violations WHERE id = ?`, v.id).one()), reopened: resolved });
}

/** A violation no longer found: resolved by `system`. */
function resolveGone(sql: SqlStorage, row: ViolationRow, now: number, changes: ViolationChanges): void {
  const comment = "no longer found";
  sql.exec("UPDATE violations SET status = 'resolved', status_comment = ?, status_by = 'system', status_at = ? WHERE id = ?", comment, now, row.id);
  event(sql, row.id, "resolved", comment, "system", now);
  changes.resolved.push(view({ ...row, status: "resolved", status_comment: comment, status_by: "system", status_at: now }));
}

/** Acknowledge (open → acknowledged, or a new comment) or resolve (open/acknowledged → resolved) by a person. */
export function setViolationStatus(sql: SqlStorage, input: SetViolationStatusInput, now: number): ViolationView | null | { conflict: string } {
  const row = sql.exec<ViolationRow>(`SELECT ${COLUMNS} FROM violations WHERE id = ?`, input.id).toArray()[0];
  if (!row) return null;
  if (row.status === "resolved") return { conflict: `violation ${input.id} is already resolved` };
  sql.exec("UPDATE violations SET status = ?, status_comment = ?, status_by = ?, status_at = ? WHERE id = ?", input.status, input.comment, input.by, now, input.id);
  event(sql, input.id, input.status, input.comment, input.by, now);
  return view({ ...row, status: input.status, status_comment: input.comment, status_by: input.by, status_at: now });
}

/** Ordered by severity (critical first), then id. */
export function listViolations(sql: SqlStorage, filter: ViolationFilter): Page<ViolationView> {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (filter.status) where.push("status = ?"), args.push(filter.status);
  if (filter.severity) where.push("severity = ?"), args.push(filter.severity);
  if (filter.kind) where.push("kind = ?"), args.push(filter.kind);
  if (filter.cursor) {
    const key = decodeCursor(filter.cursor, 2);
    if (!key || typeof key[0] !== "number" || typeof key[1] !== "string") throw new BadCursorError();
    where.push("(severity_rank, id) > (?, ?)"), args.push(key[0], key[1]);
  }
  const rows = sql
    .exec<ViolationRow & { severity_rank: number }>(
      `SELECT ${COLUMNS}, severity_rank FROM violations ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY severity_rank, id LIMIT ?`,
      ...args,
      filter.limit + 1,
    )
    .toArray();
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return { items: page.map(view), nextCursor: rows.length > filter.limit && last ? encodeCursor([last.severity_rank, last.id]) : null };
}

export function getViolation(sql: SqlStorage, id: string): ViolationView | null {
  const row = sql.exec<ViolationRow>(`SELECT ${COLUMNS} FROM violations WHERE id = ?`, id).toArray()[0];
  return row ? view(row) : null;
}
