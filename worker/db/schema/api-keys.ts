import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Bearer keys `psg_<id>_<secret>`; only the SHA-256 of the whole key is kept. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ["admin", "read"] }).notNull(),
    keyHash: text("key_hash").notNull(),
    /** `psg_<id>`: enough to recognise a key in lists and logs, useless to an attacker. */
    prefix: text("prefix").notNull(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_keys_tenant").on(t.tenantId)],
);
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type ApiKeyRole = ApiKeyRow["role"];
