import type { ServiceCtx } from "../../context.js";
import { decodeCursor } from "../../durable-objects/tenant-scope/cursor.js";
import type { FlowEdgeView, FlowFilter, Page } from "../../durable-objects/tenant-scope/interface.js";
import { ApiError } from "../../errors/index.js";

export async function listFlows(ctx: ServiceCtx, filter: FlowFilter): Promise<Page<FlowEdgeView>> {
  if (filter.cursor !== undefined && !decodeCursor(filter.cursor, 5)) throw new ApiError("INVALID_REQUEST", "cursor: not a cursor from this listing");
  return ctx.scope.listFlows(filter);
}
