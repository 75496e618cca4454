import type { ServiceCtx } from "../../context.js";
import { decodeCursor } from "../../durable-objects/tenant-scope/cursor.js";
import type { Page, ResourceListItem } from "../../durable-objects/tenant-scope/interface.js";
import type { SortedResourceFilter } from "../../durable-objects/tenant-scope/resource-list.js";
import { ApiError } from "../../errors/index.js";

export async function listResources(ctx: ServiceCtx, filter: SortedResourceFilter): Promise<Page<ResourceListItem>> {
  // uid order's cursors are [uid]; a sorted listing's start with its sort and direction (resource-list.ts).
  const sort = filter.sort ?? "uid";
  const dir = filter.dir ?? "asc";
  if (filter.cursor !== undefined) {
    const sorted = sort !== "uid" || dir === "desc";
    const key = decodeCursor(filter.cursor, sorted ? 5 : 1);
    if (!key || (sorted && (key[0] !== sort || key[1] !== dir))) throw new ApiError("INVALID_REQUEST", "cursor: not a cursor from this listing (a cursor is valid only with the sort and dir it came from)");
  }
  return ctx.scope.listResources(filter);
}
