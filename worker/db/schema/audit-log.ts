import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Every write a person or a collector makes, with who did it. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    /** `apikey:<id>`, `collector:<id>`, `operator`. */
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    target: text("target").notNull(),
    /** JSON object. */
    detail: text("detail").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("audit_log_tenant").on(t.tenantId, t.at)],
);
export type AuditRow = typeof auditLog.$inferSelect;
