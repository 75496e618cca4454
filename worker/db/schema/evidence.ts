import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** A tenant's ES256 evidence keys; the private JWK is encrypted (worker/evidence/keys.ts). */
export const evidenceKeys = sqliteTable(
  "evidence_keys",
  {
    kid: text("kid").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    /** JSON: the public JWK (kty, crv, x, y, kid, alg, use). */
    publicJwk: text("public_jwk").notNull(),
    /** base64url(iv ‖ AES-GCM ciphertext) of the private JWK. */
    privateJwkEnc: text("private_jwk_enc").notNull(),
    createdAt: integer("created_at").notNull(),
    retiredAt: integer("retired_at"),
  },
  (t) => [index("evidence_keys_tenant").on(t.tenantId, t.createdAt)],
);
export type EvidenceKeyRow = typeof evidenceKeys.$inferSelect;

export const EVIDENCE_KINDS = [
  "scope_snapshot",
  "segmentation_report",
  "network_diagram",
  "data_flow_diagram",
  "drift_report",
  "scope_attestation",
  "audit_log",
] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** The index of signed artifacts, one hash chain per tenant ordered by `seq`; bytes in R2. */
export const evidenceArtifacts = sqliteTable(
  "evidence_artifacts",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    seq: integer("seq").notNull(),
    kind: text("kind", { enum: EVIDENCE_KINDS }).notNull(),
    sha256: text("sha256").notNull(),
    prevHash: text("prev_hash"),
    kid: text("kid").notNull(),
    r2Key: text("r2_key").notNull(),
    bytes: integer("bytes").notNull(),
    title: text("title").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    retainUntil: integer("retain_until").notNull(),
  },
  (t) => [uniqueIndex("evidence_artifacts_seq").on(t.tenantId, t.seq), index("evidence_artifacts_kind").on(t.tenantId, t.kind, t.seq)],
);
export type EvidenceArtifactRow = typeof evidenceArtifacts.$inferSelect;
