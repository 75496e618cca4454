import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Every write a person or a collector makes, with who did it: an append-only hash chain per
 * tenant (worker/db/schema/audit-chain.ts says how a row is hashed). `seq` is given on
 * insert; `prevHash`/`hash` are sealed afterwards in seq order (services/audit/seal.ts).
 */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    /** `apikey:<id>`, `user:<id>`, `collector:<id>`, `operator`, `share:<id>`, `system:cron`. */
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    target: text("target").notNull(),
    /** JSON object. */
    detail: text("detail").notNull(),
    at: integer("at").notNull(),
    seq: integer("seq"),
    prevHash: text("prev_hash"),
    hash: text("hash"),
  },
  (t) => [index("audit_log_tenant").on(t.tenantId, t.at), uniqueIndex("audit_log_seq").on(t.tenantId, t.seq)],
);
export type AuditRow = typeof auditLog.$inferSelect;
