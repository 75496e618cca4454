import { eq } from "drizzle-orm";
import type { ServiceCtx } from "../../context.js";
import { collectors } from "../../db/schema/index.js";
import { ApiError } from "../../errors/index.js";
import { recordAudit } from "../audit/record.js";
import { collectorView, type CollectorView } from "./list.js";

/** Revoked collectors are refused at ingest from the next request on. Revoking twice is a no-op. */
export async function revokeCollector(ctx: ServiceCtx, input: { collectorId: string }): Promise<CollectorView> {
  const row = await ctx.db.first(collectors, eq(collectors.id, input.collectorId));
  if (!row) throw new ApiError("NOT_FOUND", `no collector ${input.collectorId}`);
  if (row.status === "revoked") return collectorView(row);
  const now = ctx.now();
  await ctx.db.batch([
    ctx.db.update(collectors, { status: "revoked", revokedAt: now }, eq(collectors.id, row.id)),
    recordAudit(ctx, { action: "collector.revoke", target: row.id, detail: { name: row.name } }),
  ]);
  return collectorView({ ...row, status: "revoked", revokedAt: now });
}
