-- Collector health: what each collector's last complete scan could not read (issue 6).
-- Must match worker/db/schema/scan-coverage.ts. Times are unix ms.

-- The non-ok coverage entries (`skipped` / `partial`) of a collector's scans, as the parts
-- arrive. When a scan commits, rows of its collector's other scans are deleted.
CREATE TABLE scan_coverage (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  collector_id TEXT NOT NULL,
  scan_id TEXT NOT NULL,
  part INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  provider TEXT NOT NULL,
  account TEXT NOT NULL,
  region TEXT NOT NULL,
  service TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('skipped', 'partial')),
  reason TEXT,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (collector_id, scan_id, part, idx)
);
CREATE INDEX scan_coverage_tenant ON scan_coverage (tenant_id, collector_id, scan_id);

-- Each collector's last complete (committed) scan: which rows above are current, and when.
CREATE TABLE collector_last_scans (
  collector_id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  scan_id TEXT NOT NULL,
  committed_at INTEGER NOT NULL
);
CREATE INDEX collector_last_scans_tenant ON collector_last_scans (tenant_id);
