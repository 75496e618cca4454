import type { ScopeSummary } from "./interface.js";

/**
 * Scope size over time: after each classification the counts per scope are written to the
 * row of the current hour (replacing what an earlier classification in that hour wrote), so
 * a tenant classifying every five minutes keeps 24 rows a day and a year fits in ~9k rows.
 */
export const SCOPE_TREND_DDL = `
CREATE TABLE IF NOT EXISTS scope_trend (
  hour INTEGER PRIMARY KEY,
  at INTEGER NOT NULL,
  cde INTEGER NOT NULL,
  connected INTEGER NOT NULL,
  security_impacting INTEGER NOT NULL,
  out_of_scope INTEGER NOT NULL,
  unclassified INTEGER NOT NULL,
  total INTEGER NOT NULL
);`;

const HOUR_MS = 3_600_000;
/** Up to this many days the points are hourly; beyond, the last point of each day. */
const HOURLY_UP_TO_DAYS = 14;
export const MAX_TREND_DAYS = 365;

export interface ScopeTrendPoint {
  /** Unix ms of the classification the counts come from. */
  at: number;
  cde: number;
  connected: number;
  security_impacting: number;
  out_of_scope: number;
  unclassified: number;
  total: number;
}

export interface ScopeTrend {
  days: number;
  resolution: "hour" | "day";
  points: ScopeTrendPoint[];
}

type TrendRow = { hour: number; at: number; cde: number; connected: number; security_impacting: number; out_of_scope: number; unclassified: number; total: number };

export function pointOf(summary: ScopeSummary, at: number): ScopeTrendPoint {
  const n = summary.resources.byScope;
  return {
    at,
    cde: n.cde ?? 0,
    connected: n.connected ?? 0,
    security_impacting: n.security_impacting ?? 0,
    out_of_scope: n.out_of_scope ?? 0,
    unclassified: n.unclassified ?? 0,
    total: summary.resources.total,
  };
}

export function recordScopeTrend(sql: SqlStorage, summary: ScopeSummary, now: number): void {
  const p = pointOf(summary, now);
  sql.exec(
    `INSERT OR REPLACE INTO scope_trend (hour, at, cde, connected, security_impacting, out_of_scope, unclassified, total)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    Math.floor(now / HOUR_MS),
    p.at,
    p.cde,
    p.connected,
    p.security_impacting,
    p.out_of_scope,
    p.unclassified,
    p.total,
  );
}

/**
 * The points of the last `days` days, oldest first. `current` (the stored summary) stands in
 * when nothing was recorded yet: an object classified before this table existed still has a
 * present size to show.
 */
export function readScopeTrend(sql: SqlStorage, days: number, now: number, current: () => ScopeSummary): ScopeTrend {
  const resolution = days <= HOURLY_UP_TO_DAYS ? "hour" : "day";
  const from = Math.floor((now - days * 24 * HOUR_MS) / HOUR_MS);
  // SQLite takes the bare columns from the row holding max(hour): the day's last point.
  const rows =
    resolution === "hour"
      ? sql.exec<TrendRow>("SELECT * FROM scope_trend WHERE hour >= ? ORDER BY hour", from).toArray()
      : sql
          .exec<TrendRow>(
            `SELECT max(hour) AS hour, at, cde, connected, security_impacting, out_of_scope, unclassified, total
             FROM scope_trend WHERE hour >= ? GROUP BY hour / 24 ORDER BY hour`,
            from,
          )
          .toArray();
  const points = rows.map(({ hour: _hour, ...p }) => p);
  if (points.length === 0) {
    const s = current();
    if (s.resources.total > 0 && s.classifiedAt !== null) points.push(pointOf(s, s.classifiedAt));
  }
  return { days, resolution, points };
}
