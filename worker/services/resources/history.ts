import type { ServiceCtx } from "../../context.js";
import type { ResourceHistory } from "../../durable-objects/tenant-scope/interface.js";
import { ApiError } from "../../errors/index.js";

/** Drift events and override changes of one resource, newest first (also for a resource since removed). */
export async function resourceHistory(ctx: ServiceCtx, input: { uid: string; limit: number }): Promise<ResourceHistory> {
  const history = await ctx.scope.history(input.uid, input.limit);
  if (!history) throw new ApiError("NOT_FOUND", "no such resource");
  return history;
}
