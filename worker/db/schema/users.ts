import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const USER_ROLES = ["owner", "admin", "analyst", "viewer"] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** A person who signs in to the web app. One account per (lower-cased) e-mail address. */
export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: USER_ROLES }).notNull(),
    passwordHash: text("password_hash").notNull(),
    passwordSalt: text("password_salt").notNull(),
    passwordIterations: integer("password_iterations").notNull(),
    createdAt: integer("created_at").notNull(),
    lastLoginAt: integer("last_login_at"),
  },
  (t) => [uniqueIndex("users_email").on(t.email), index("users_tenant").on(t.tenantId)],
);
export type UserRow = typeof users.$inferSelect;

/** Failed sign-ins, keyed `email:<addr>` or `ip:<addr>`, for the login rate limit. */
export const loginFailures = sqliteTable("login_failures", { key: text("key").notNull(), at: integer("at").notNull() }, (t) => [
  index("login_failures_key").on(t.key, t.at),
]);
