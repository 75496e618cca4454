import type { DriftEvent } from "../../scope/drift.js";
import { stableHash } from "../../scope/hash.js";
import type { Scope } from "../../scope/types.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import type { DriftCause, DriftEventView, DriftFilter, HistoryItem, OverrideEventView, Page, ResourceHistory } from "./interface.js";
import { BadCursorError } from "./reads.js";

type DriftRow = {
  seq: number;
  id: string;
  scan_id: string | null;
  cause: string;
  kind: string;
  severity: string;
  uid: string;
  before: string;
  after: string;
  summary: string;
  at: number;
};

const COLUMNS = "seq, id, scan_id, cause, kind, severity, uid, before, after, summary, at";

const view = (r: DriftRow): DriftEventView => ({
  id: r.id,
  seq: r.seq,
  kind: r.kind as DriftEventView["kind"],
  severity: r.severity as DriftEventView["severity"],
  uid: r.uid,
  before: JSON.parse(r.before) as unknown,
  after: JSON.parse(r.after) as unknown,
  summary: r.summary,
  cause: r.cause as DriftCause,
  scanId: r.scan_id,
  at: r.at,
});

/**
 * Stores drift events found by one classification (inside the caller's transaction). The
 * pure event id repeats when a scope flips back and forth, so the stored id adds the time:
 * unique per event, and the same event recorded twice at the same instant is kept once.
 * Stored last-first, so that the newest-first listing shows one classification's events in
 * the pure function's order (kind, then uid); returned in that order too.
 */
export function recordDrift(sql: SqlStorage, events: readonly DriftEvent[], o: { cause: DriftCause; scanId: string | null; at: number }): DriftEventView[] {
  const out: DriftEventView[] = [];
  for (let k = events.length - 1; k >= 0; k--) {
    const e = events[k]!;
    const id = `dft_${stableHash(`${e.id}\u0000${o.at}`)}`;
    const before = JSON.stringify(e.before ?? null);
    const after = JSON.stringify(e.after ?? null);
    const row = sql
      .exec<{ seq: number }>(
        `INSERT INTO drift_events (id, scan_id, cause, kind, severity, uid, before, after, summary, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO NOTHING RETURNING seq`,
        id, o.scanId, o.cause, e.kind, e.severity, e.uid, before, after, e.summary, o.at,
      )
      .toArray()[0];
    if (!row) continue;
    out.unshift(view({ seq: row.seq, id, scan_id: o.scanId, cause: o.cause, kind: e.kind, severity: e.severity, uid: e.uid, before, after, summary: e.summary, at: o.at }));
  }
  return out;
}

/** Newest first (by seq); `since` in unix ms. */
export function listDrift(sql: SqlStorage, filter: DriftFilter): Page<DriftEventView> {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (filter.since !== undefined) where.push("at >= ?"), args.push(filter.since);
  if (filter.kind) where.push("kind = ?"), args.push(filter.kind);
  if (filter.severity) where.push("severity = ?"), args.push(filter.severity);
  if (filter.uid) where.push("uid = ?"), args.push(filter.uid);
  if (filter.cursor) {
    const key = decodeCursor(filter.cursor, 1);
    if (!key || typeof key[0] !== "number") throw new BadCursorError();
    where.push("seq < ?"), args.push(key[0]);
  }
  const rows = sql
    .exec<DriftRow>(`SELECT ${COLUMNS} FROM drift_events ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq DESC LIMIT ?`, ...args, filter.limit + 1)
    .toArray();
  const page = rows.slice(0, filter.limit);
  const last = page[page.length - 1];
  return { items: page.map(view), nextCursor: rows.length > filter.limit && last ? encodeCursor([last.seq]) : null };
}

type OverrideEventRow = { seq: number; uid: string; action: string; scope: string | null; justification: string | null; author: string; expires_at: string | null; at: number };

export function recordOverrideEvent(
  sql: SqlStorage,
  e: { uid: string; action: "set" | "remove"; scope?: Scope; justification?: string; author: string; expiresAt?: string; at: number },
): void {
  sql.exec(
    "INSERT INTO override_events (uid, action, scope, justification, author, expires_at, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    e.uid, e.action, e.scope ?? null, e.justification ?? null, e.author, e.expiresAt ?? null, e.at,
  );
}

/** A resource's drift events and override changes, newest first; null when the object knows nothing of the uid. */
export function resourceHistory(sql: SqlStorage, uid: string, limit: number): ResourceHistory | null {
  const drift = sql.exec<DriftRow>(`SELECT ${COLUMNS} FROM drift_events WHERE uid = ? ORDER BY seq DESC LIMIT ?`, uid, limit).toArray();
  const overrides = sql.exec<OverrideEventRow>("SELECT * FROM override_events WHERE uid = ? ORDER BY seq DESC LIMIT ?", uid, limit).toArray();
  if (drift.length === 0 && overrides.length === 0) {
    const exists = sql.exec<{ n: number }>("SELECT count(*) AS n FROM resources WHERE uid = ?", uid).one().n > 0;
    if (!exists) return null;
  }
  const items: HistoryItem[] = [
    ...drift.map((r): HistoryItem => ({ type: "drift", ...view(r) })),
    ...overrides.map(
      (r): HistoryItem => ({
        type: "override",
        ...({ seq: r.seq, uid: r.uid, action: r.action as OverrideEventView["action"], scope: r.scope as Scope | null, justification: r.justification, author: r.author, expiresAt: r.expires_at, at: r.at } satisfies OverrideEventView),
      }),
    ),
  ];
  // An override and the scope change it caused share a timestamp: the cause comes after (older) in newest-first order.
  items.sort((a, b) => b.at - a.at || (a.type === b.type ? b.seq - a.seq : a.type === "drift" ? -1 : 1));
  return { uid, items: items.slice(0, limit) };
}
