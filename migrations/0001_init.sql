-- D1 holds only small, cross-tenant indexes (DESIGN §9). Per-resource and per-flow data live
-- in each tenant's Durable Object. Must match worker/db/schema/*.ts. Times are unix ms.

CREATE TABLE tenants (
  id TEXT PRIMARY KEY NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE api_keys (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'read')),
  key_hash TEXT NOT NULL,
  prefix TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id);

CREATE TABLE collectors (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  name TEXT NOT NULL,
  public_key TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'revoked')),
  version TEXT,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER,
  last_seq INTEGER NOT NULL DEFAULT 0,
  revoked_at INTEGER
);
CREATE INDEX collectors_tenant ON collectors (tenant_id);

CREATE TABLE enrollment_tokens (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  token_hash TEXT NOT NULL,
  name TEXT,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  used_by_collector TEXT
);
CREATE UNIQUE INDEX enrollment_tokens_hash ON enrollment_tokens (token_hash);
CREATE INDEX enrollment_tokens_tenant ON enrollment_tokens (tenant_id);

CREATE TABLE batches (
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  collector_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('inventory', 'flows', 'heartbeat')),
  sha256 TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  r2_key TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('stored', 'applied')),
  received_at INTEGER NOT NULL,
  applied_at INTEGER,
  PRIMARY KEY (collector_id, seq)
);
CREATE INDEX batches_tenant ON batches (tenant_id, received_at);

CREATE TABLE audit_log (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX audit_log_tenant ON audit_log (tenant_id, at);
