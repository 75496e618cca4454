import type { ServiceCtx } from "../../context.js";
import { decodeCursor } from "../../durable-objects/tenant-scope/cursor.js";
import type { Page, ViolationFilter, ViolationView } from "../../durable-objects/tenant-scope/interface.js";
import { ApiError } from "../../errors/index.js";

export async function listViolations(ctx: ServiceCtx, filter: ViolationFilter): Promise<Page<ViolationView>> {
  if (filter.cursor !== undefined) {
    const key = decodeCursor(filter.cursor, 2);
    if (typeof key?.[0] !== "number" || typeof key[1] !== "string") throw new ApiError("INVALID_REQUEST", "cursor: not a cursor from this listing");
  }
  return ctx.scope.listViolations(filter);
}
