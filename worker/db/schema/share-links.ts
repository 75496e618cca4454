import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** A time-limited, read-only auditor link. Only the SHA-256 of its token is kept. */
export const shareLinks = sqliteTable(
  "share_links",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    /** JSON `ShareGrants` (worker/services/share-links/grants.ts). */
    grants: text("grants").notNull(),
    note: text("note"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
    revokedBy: text("revoked_by"),
    lastAccessAt: integer("last_access_at"),
  },
  (t) => [uniqueIndex("share_links_token").on(t.tokenHash), index("share_links_tenant").on(t.tenantId, t.createdAt)],
);
export type ShareLinkRow = typeof shareLinks.$inferSelect;

/** One row per request made with a share link. */
export const shareLinkAccess = sqliteTable(
  "share_link_access",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    linkId: text("link_id").notNull(),
    at: integer("at").notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    status: integer("status").notNull(),
    ip: text("ip"),
    country: text("country"),
    userAgent: text("user_agent"),
  },
  (t) => [index("share_link_access_link").on(t.linkId, t.at), index("share_link_access_tenant").on(t.tenantId, t.at)],
);
export type ShareLinkAccessRow = typeof shareLinkAccess.$inferSelect;
