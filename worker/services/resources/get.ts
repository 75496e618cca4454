import type { ServiceCtx } from "../../context.js";
import type { ResourceDetail } from "../../durable-objects/tenant-scope/interface.js";
import { ApiError } from "../../errors/index.js";

export async function getResource(ctx: ServiceCtx, input: { uid: string; topFlows: number }): Promise<ResourceDetail> {
  const detail = await ctx.scope.getResource(input.uid, input.topFlows);
  // Another tenant's uid is simply not in this tenant's object: the same 404 as a made-up one.
  if (!detail) throw new ApiError("NOT_FOUND", "no such resource");
  return detail;
}
