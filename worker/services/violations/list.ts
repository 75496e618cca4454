import type { ServiceCtx } from "../../context.js";
import { decodeCursor } from "../../durable-objects/tenant-scope/cursor.js";
import type { Page, ViolationFilter } from "../../durable-objects/tenant-scope/interface.js";
import type { NamedViolationView } from "../../durable-objects/tenant-scope/subject-names.js";
import { ApiError } from "../../errors/index.js";

/** Each item carries `subjectNames` (uid → name) so readers see what it is about without a lookup per uid. */
export async function listViolations(ctx: ServiceCtx, filter: ViolationFilter): Promise<Page<NamedViolationView>> {
  if (filter.cursor !== undefined) {
    const key = decodeCursor(filter.cursor, 2);
    if (typeof key?.[0] !== "number" || typeof key[1] !== "string") throw new ApiError("INVALID_REQUEST", "cursor: not a cursor from this listing");
  }
  return ctx.scope.listNamedViolations(filter);
}
