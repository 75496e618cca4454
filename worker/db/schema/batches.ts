import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The small index of received batches: one row per (collector, seq). The bytes live in R2
 * at `r2Key`; the data they carry lives in the tenant's Durable Object.
 */
export const batches = sqliteTable(
  "batches",
  {
    tenantId: text("tenant_id").notNull(),
    collectorId: text("collector_id").notNull(),
    seq: integer("seq").notNull(),
    kind: text("kind", { enum: ["inventory", "flows", "heartbeat"] }).notNull(),
    sha256: text("sha256").notNull(),
    bytes: integer("bytes").notNull(),
    r2Key: text("r2_key").notNull(),
    status: text("status", { enum: ["stored", "applied"] }).notNull(),
    receivedAt: integer("received_at").notNull(),
    appliedAt: integer("applied_at"),
  },
  (t) => [primaryKey({ columns: [t.collectorId, t.seq] }), index("batches_tenant").on(t.tenantId, t.receivedAt)],
);
export type BatchRow = typeof batches.$inferSelect;
