/**
 * The tenant graph in the Durable Object's SQLite. Rows stay far below the 2 MB row limit:
 * one row per resource, rule, route, flow edge; scans are staged row by row too.
 * Times are unix ms except flow first/last seen (unix seconds, as the collector sends them).
 * `IF NOT EXISTS` everywhere: this runs in every constructor.
 */
export const TENANT_SCOPE_DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS resources (
  uid TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  tags TEXT NOT NULL,
  network TEXT NOT NULL,
  attributes TEXT NOT NULL,
  parent TEXT,
  stale INTEGER NOT NULL DEFAULT 0,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  scan_id TEXT NOT NULL,
  search TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS resources_kind ON resources (kind, uid);
CREATE INDEX IF NOT EXISTS resources_account ON resources (provider, account, region, kind);

CREATE TABLE IF NOT EXISTS ip_index (
  ip TEXT NOT NULL,
  uid TEXT NOT NULL,
  rank INTEGER NOT NULL,
  PRIMARY KEY (ip, uid)
);
CREATE INDEX IF NOT EXISTS ip_index_uid ON ip_index (uid);

CREATE TABLE IF NOT EXISTS rules (id TEXT PRIMARY KEY, owner_uid TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS rules_owner ON rules (owner_uid);

CREATE TABLE IF NOT EXISTS routes (id TEXT PRIMARY KEY, table_uid TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS routes_table ON routes (table_uid);

CREATE TABLE IF NOT EXISTS flow_edges (
  src_ip TEXT NOT NULL,
  dst_ip TEXT NOT NULL,
  dst_port INTEGER NOT NULL,
  protocol INTEGER NOT NULL,
  action TEXT NOT NULL,
  packets INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  flows INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  src_uid TEXT,
  dst_uid TEXT,
  -- The stored scope of each end (edge-scopes.ts); older objects get them by ALTER TABLE.
  src_scope TEXT,
  dst_scope TEXT,
  PRIMARY KEY (src_ip, dst_ip, dst_port, protocol, action)
);
CREATE INDEX IF NOT EXISTS flow_edges_src_uid ON flow_edges (src_uid, bytes);
CREATE INDEX IF NOT EXISTS flow_edges_dst_uid ON flow_edges (dst_uid, bytes);

CREATE TABLE IF NOT EXISTS decisions (
  uid TEXT PRIMARY KEY,
  scope TEXT NOT NULL,
  confidence REAL NOT NULL,
  reasons TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_scope ON decisions (scope, uid);

CREATE TABLE IF NOT EXISTS overrides (
  uid TEXT PRIMARY KEY,
  scope TEXT NOT NULL,
  justification TEXT NOT NULL,
  author TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT
);

CREATE TABLE IF NOT EXISTS applied_batches (
  collector_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  applied_at INTEGER NOT NULL,
  PRIMARY KEY (collector_id, seq)
);

CREATE TABLE IF NOT EXISTS scans (
  collector_id TEXT NOT NULL,
  scan_id TEXT NOT NULL,
  parts INTEGER NOT NULL,
  received INTEGER NOT NULL,
  status TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  committed_at INTEGER,
  PRIMARY KEY (collector_id, scan_id)
);
CREATE INDEX IF NOT EXISTS scans_committed ON scans (status, committed_at);

CREATE TABLE IF NOT EXISTS scan_parts (collector_id TEXT NOT NULL, scan_id TEXT NOT NULL, part INTEGER NOT NULL, PRIMARY KEY (collector_id, scan_id, part));
CREATE TABLE IF NOT EXISTS staged_resources (collector_id TEXT NOT NULL, scan_id TEXT NOT NULL, uid TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (collector_id, scan_id, uid));
CREATE TABLE IF NOT EXISTS staged_rules (collector_id TEXT NOT NULL, scan_id TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (collector_id, scan_id, id));
CREATE TABLE IF NOT EXISTS staged_routes (collector_id TEXT NOT NULL, scan_id TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (collector_id, scan_id, id));
CREATE TABLE IF NOT EXISTS staged_coverage (collector_id TEXT NOT NULL, scan_id TEXT NOT NULL, part INTEGER NOT NULL, idx INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (collector_id, scan_id, part, idx));

CREATE TABLE IF NOT EXISTS violations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  severity TEXT NOT NULL,
  severity_rank INTEGER NOT NULL,
  summary TEXT NOT NULL,
  pci TEXT NOT NULL,
  subjects TEXT NOT NULL,
  evidence TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  status TEXT NOT NULL,
  status_comment TEXT,
  status_by TEXT,
  status_at INTEGER
);
CREATE INDEX IF NOT EXISTS violations_status ON violations (status, severity_rank, id);

-- Every status change of a violation (opened, resolved by the system, re-opened, acknowledged or resolved by a person).
CREATE TABLE IF NOT EXISTS violation_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  violation_id TEXT NOT NULL,
  status TEXT NOT NULL,
  comment TEXT,
  by TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS violation_events_id ON violation_events (violation_id, seq);

-- Drift (worker/scope/drift.ts) between consecutive classifications; never deleted.
CREATE TABLE IF NOT EXISTS drift_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  scan_id TEXT,
  cause TEXT NOT NULL,
  kind TEXT NOT NULL,
  severity TEXT NOT NULL,
  uid TEXT NOT NULL,
  before TEXT NOT NULL,
  after TEXT NOT NULL,
  summary TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS drift_events_uid ON drift_events (uid, seq);
CREATE INDEX IF NOT EXISTS drift_events_at ON drift_events (at, seq);

-- The last drift snapshot, one row per item (a 100k-resource snapshot is far over the 2 MB
-- row limit as one JSON value), so a classification writes only the items that changed.
CREATE TABLE IF NOT EXISTS drift_snapshot (part TEXT NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (part, key));

-- Overrides set, removed and expired, for per-resource history (overrides holds only the current one).
CREATE TABLE IF NOT EXISTS override_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  uid TEXT NOT NULL,
  action TEXT NOT NULL,
  scope TEXT,
  justification TEXT,
  author TEXT NOT NULL,
  expires_at TEXT,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS override_events_uid ON override_events (uid, seq);

CREATE TABLE IF NOT EXISTS heartbeats (
  collector_id TEXT PRIMARY KEY,
  version TEXT NOT NULL,
  spooled INTEGER NOT NULL,
  last_scan_id TEXT,
  at INTEGER NOT NULL
);
`;

export function readMeta(sql: SqlStorage, key: string): string | null {
  const row = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
  return row ? row.value : null;
}

export function writeMeta(sql: SqlStorage, key: string, value: string): void {
  sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
}

/**
 * The `reasons` column of a decision whose only reason is the one the classifier shares
 * (frozen) between many decisions — "no path to the CDE", which quotes tenant-wide counts.
 * Its text is stored once, in meta `shared_reason` (reclassify.ts), so a new flow edge somewhere does not
 * rewrite every out-of-scope row. Reads put it back (reads.ts).
 */
export const SHARED_REASONS = "@shared";
