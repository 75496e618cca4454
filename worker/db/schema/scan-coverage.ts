import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * What a collector's scans could not read: the `skipped` and `partial` coverage entries of
 * its inventory batches (contract/batch.ts `Coverage`). `ok` entries are not kept. When a
 * scan commits, its collector's rows from other scans are deleted.
 */
export const scanCoverage = sqliteTable(
  "scan_coverage",
  {
    tenantId: text("tenant_id").notNull(),
    collectorId: text("collector_id").notNull(),
    scanId: text("scan_id").notNull(),
    part: integer("part").notNull(),
    /** Position in the part's `coverage` array. */
    idx: integer("idx").notNull(),
    provider: text("provider").notNull(),
    account: text("account").notNull(),
    region: text("region").notNull(),
    service: text("service").notNull(),
    status: text("status", { enum: ["skipped", "partial"] }).notNull(),
    reason: text("reason"),
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.collectorId, t.scanId, t.part, t.idx] }), index("scan_coverage_tenant").on(t.tenantId, t.collectorId, t.scanId)],
);
export type ScanCoverageRow = typeof scanCoverage.$inferSelect;

/** Each collector's last committed scan. */
export const collectorLastScans = sqliteTable(
  "collector_last_scans",
  {
    collectorId: text("collector_id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    scanId: text("scan_id").notNull(),
    committedAt: integer("committed_at").notNull(),
  },
  (t) => [index("collector_last_scans_tenant").on(t.tenantId)],
);
export type CollectorLastScanRow = typeof collectorLastScans.$inferSelect;
