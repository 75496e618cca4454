import type { ServiceCtx } from "../../context.js";
import { decodeCursor } from "../../durable-objects/tenant-scope/cursor.js";
import type { DriftEventView, DriftFilter, Page } from "../../durable-objects/tenant-scope/interface.js";
import { ApiError } from "../../errors/index.js";

export async function listDrift(ctx: ServiceCtx, filter: DriftFilter): Promise<Page<DriftEventView>> {
  if (filter.cursor !== undefined && typeof decodeCursor(filter.cursor, 1)?.[0] !== "number") throw new ApiError("INVALID_REQUEST", "cursor: not a cursor from this listing");
  return ctx.scope.listDrift(filter);
}
