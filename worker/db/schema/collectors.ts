import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const collectors = sqliteTable(
  "collectors",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    name: text("name").notNull(),
    /** Ed25519 public key, 32 bytes, base64url. */
    publicKey: text("public_key").notNull(),
    status: text("status", { enum: ["active", "revoked"] }).notNull(),
    version: text("version"),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at"),
    lastSeq: integer("last_seq").notNull().default(0),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("collectors_tenant").on(t.tenantId)],
);
export type CollectorRow = typeof collectors.$inferSelect;
