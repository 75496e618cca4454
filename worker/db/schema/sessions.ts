import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** A signed-in browser. `id` is the SHA-256 of the cookie's token; the token itself is never kept. */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    userId: text("user_id").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
  },
  (t) => [index("sessions_user").on(t.userId)],
);
export type SessionRow = typeof sessions.$inferSelect;
