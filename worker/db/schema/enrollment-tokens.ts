import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** One-time, short-lived tokens a collector trades for an identity; stored as SHA-256 only. */
export const enrollmentTokens = sqliteTable(
  "enrollment_tokens",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    /** The collector name to use when the collector does not send one. */
    name: text("name"),
    /** The API key id that created it. */
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    usedByCollector: text("used_by_collector"),
  },
  (t) => [uniqueIndex("enrollment_tokens_hash").on(t.tokenHash), index("enrollment_tokens_tenant").on(t.tenantId)],
);
export type EnrollmentTokenRow = typeof enrollmentTokens.$inferSelect;
