import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { USER_ROLES } from "./users.js";

/** A one-time link that lets someone join a tenant with a role. Only the token's hash is kept. */
export const invites = sqliteTable(
  "invites",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    /** When set, only this (lower-cased) address may accept. */
    email: text("email"),
    role: text("role", { enum: USER_ROLES }).notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
    usedBy: text("used_by"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("invites_token").on(t.tokenHash), index("invites_tenant").on(t.tenantId)],
);
export type InviteRow = typeof invites.$inferSelect;
