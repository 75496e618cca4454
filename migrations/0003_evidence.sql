-- Signed evidence (DESIGN §5), auditor share links (§6) and the hash-chained audit log.
-- Must match worker/db/schema/{evidence,share-links,audit-chain,audit-log}.ts. Times are unix ms.

-- A tenant's ES256 evidence keys. The private JWK is AES-256-GCM encrypted under a key
-- derived (HKDF) from the EVIDENCE_KEY_SECRET Worker secret and the tenant id. Retired keys
-- stay: their public half keeps old artifacts verifiable.
CREATE TABLE evidence_keys (
  kid TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  public_jwk TEXT NOT NULL,
  private_jwk_enc TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  retired_at INTEGER
);
CREATE INDEX evidence_keys_tenant ON evidence_keys (tenant_id, created_at);
-- At most one active key per tenant: two racing first uses cannot both create one.
CREATE UNIQUE INDEX evidence_keys_active ON evidence_keys (tenant_id) WHERE retired_at IS NULL;

-- The index of signed artifacts; the canonical JSON and its JWS live in R2 at r2_key.
-- (tenant_id, seq) is unique: the chain cannot fork, a racing append fails and retries.
CREATE TABLE evidence_artifacts (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('scope_snapshot', 'segmentation_report', 'network_diagram', 'data_flow_diagram', 'drift_report', 'scope_attestation', 'audit_log')),
  sha256 TEXT NOT NULL,
  prev_hash TEXT,
  kid TEXT NOT NULL,
  r2_key TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  title TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  retain_until INTEGER NOT NULL
);
CREATE UNIQUE INDEX evidence_artifacts_seq ON evidence_artifacts (tenant_id, seq);
CREATE INDEX evidence_artifacts_kind ON evidence_artifacts (tenant_id, kind, seq);
CREATE TRIGGER evidence_artifacts_no_update BEFORE UPDATE ON evidence_artifacts
BEGIN SELECT RAISE(ABORT, 'evidence_artifacts is append-only'); END;
CREATE TRIGGER evidence_artifacts_no_delete BEFORE DELETE ON evidence_artifacts
BEGIN SELECT RAISE(ABORT, 'evidence_artifacts is append-only'); END;

-- Auditor share links. Only the SHA-256 of the token is kept; grants is a JSON object.
CREATE TABLE share_links (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  token_hash TEXT NOT NULL,
  grants TEXT NOT NULL,
  note TEXT,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  revoked_by TEXT,
  last_access_at INTEGER
);
CREATE UNIQUE INDEX share_links_token ON share_links (token_hash);
CREATE INDEX share_links_tenant ON share_links (tenant_id, created_at);

-- Every request made with a share link: when, what, from where.
CREATE TABLE share_link_access (
  id TEXT PRIMARY KEY NOT NULL,
  tenant_id TEXT NOT NULL REFERENCES tenants(id),
  link_id TEXT NOT NULL REFERENCES share_links(id),
  at INTEGER NOT NULL,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  status INTEGER NOT NULL,
  ip TEXT,
  country TEXT,
  user_agent TEXT
);
CREATE INDEX share_link_access_link ON share_link_access (link_id, at);
CREATE INDEX share_link_access_tenant ON share_link_access (tenant_id, at);

-- The audit log becomes a per-tenant hash chain: seq is given on insert; prev_hash and hash
-- are sealed afterwards in seq order (worker/services/audit/seal.ts), since SQLite cannot
-- hash. A sealed row can never change; no row can be deleted.
ALTER TABLE audit_log ADD COLUMN seq INTEGER;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
UPDATE audit_log SET seq = (
  SELECT count(*) FROM audit_log a2
  WHERE a2.tenant_id = audit_log.tenant_id AND (a2.at < audit_log.at OR (a2.at = audit_log.at AND a2.id <= audit_log.id))
);
CREATE UNIQUE INDEX audit_log_seq ON audit_log (tenant_id, seq);
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_sealed BEFORE UPDATE ON audit_log WHEN OLD.hash IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a sealed audit_log row cannot change'); END;
