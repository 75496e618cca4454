import { and, asc, eq, inArray, ne } from "drizzle-orm";
import type { InventoryBatch } from "../../../contract/index.js";
import type { ServiceCtx } from "../../context.js";
import { collectorLastScans, collectors, scanCoverage } from "../../db/schema/index.js";
import type { TenantDb, TenantStatement } from "../../db/tenant-db.js";
import { ApiError } from "../../errors/index.js";

/** One service/region (or account) a collector's last complete scan could not read fully. */
export interface CoverageIssue {
  provider: string;
  account: string;
  region: string;
  /** e.g. "rds:DescribeDBInstances". */
  service: string;
  status: "skipped" | "partial";
  reason: string | null;
  /** When the batch carrying it was received. */
  at: string;
}

/** What a collector's last complete scan read; null until its first scan commits. */
export interface CollectorCoverage {
  scanId: string;
  committedAt: string;
  /** How many services/regions were skipped or partial; `issues` lists at most `limit` of them. */
  notOk: number;
  issues: CoverageIssue[];
}

/**
 * The D1 writes that keep a collector's coverage current, for an inventory part the tenant's
 * Durable Object accepted: its non-ok entries are kept (idempotent by scan, part and
 * position), and when this part completed the scan, that scan becomes the collector's last
 * one and rows of its other scans go.
 */
export function coverageWrites(db: TenantDb, collectorId: string, batch: InventoryBatch, completedScan: boolean, now: number): TenantStatement[] {
  const rows = batch.coverage.flatMap((c, idx) =>
    c.status === "ok"
      ? []
      : [{ collectorId, scanId: batch.scanId, part: batch.part, idx, provider: c.provider, account: c.account, region: c.region, service: c.service, status: c.status, reason: c.reason ?? null, receivedAt: now }],
  );
  // One statement per row, all in the ingest's D1 batch; only non-ok entries are kept, which are few.
  const writes: TenantStatement[] = rows.map((row) => db.insert(scanCoverage, row).onConflictDoNothing());
  if (completedScan) {
    writes.push(
      db.delete(scanCoverage, and(eq(scanCoverage.collectorId, collectorId), ne(scanCoverage.scanId, batch.scanId))),
      db.delete(collectorLastScans, eq(collectorLastScans.collectorId, collectorId)),
      db.insert(collectorLastScans, { collectorId, scanId: batch.scanId, committedAt: now }),
    );
  }
  return writes;
}

/** The last complete scan's coverage of each of the tenant's collectors (or the given ones). */
export async function coverageByCollector(ctx: ServiceCtx, opts: { collectorIds?: string[]; limit?: number } = {}): Promise<Map<string, CollectorCoverage>> {
  const limit = opts.limit ?? 100;
  const lastScans = await ctx.db.select(collectorLastScans, { where: opts.collectorIds ? inArray(collectorLastScans.collectorId, opts.collectorIds) : undefined });
  const out = new Map<string, CollectorCoverage>();
  for (const s of lastScans) {
    const rows = await ctx.db.select(scanCoverage, {
      where: and(eq(scanCoverage.collectorId, s.collectorId), eq(scanCoverage.scanId, s.scanId)),
      orderBy: [asc(scanCoverage.service), asc(scanCoverage.account), asc(scanCoverage.region), asc(scanCoverage.part), asc(scanCoverage.idx)],
    });
    out.set(s.collectorId, {
      scanId: s.scanId,
      committedAt: new Date(s.committedAt).toISOString(),
      notOk: rows.length,
      issues: rows.slice(0, limit).map((r) => ({
        provider: r.provider,
        account: r.account,
        region: r.region,
        service: r.service,
        status: r.status,
        reason: r.reason,
        at: new Date(r.receivedAt).toISOString(),
      })),
    });
  }
  return out;
}

/** GET /v1/collectors/:id/coverage: every non-ok entry of one collector's last complete scan. */
export async function collectorCoverage(ctx: ServiceCtx, input: { collectorId: string }): Promise<{ collectorId: string; coverage: CollectorCoverage | null }> {
  const row = await ctx.db.first(collectors, eq(collectors.id, input.collectorId));
  if (!row) throw new ApiError("NOT_FOUND", `no collector ${input.collectorId}`);
  const found = await coverageByCollector(ctx, { collectorIds: [row.id], limit: 10_000 });
  return { collectorId: row.id, coverage: found.get(row.id) ?? null };
}
