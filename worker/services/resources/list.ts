import type { ServiceCtx } from "../../context.js";
import { decodeCursor } from "../../durable-objects/tenant-scope/cursor.js";
import type { Page, ResourceFilter, ResourceListItem } from "../../durable-objects/tenant-scope/interface.js";
import { ApiError } from "../../errors/index.js";

export async function listResources(ctx: ServiceCtx, filter: ResourceFilter): Promise<Page<ResourceListItem>> {
  if (filter.cursor !== undefined && !decodeCursor(filter.cursor, 1)) throw new ApiError("INVALID_REQUEST", "cursor: not a cursor from this listing");
  return ctx.scope.listResources(filter);
}
