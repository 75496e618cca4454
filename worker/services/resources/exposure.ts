import type { ServiceCtx } from "../../context.js";
import type { ExposureAnswer } from "../../durable-objects/tenant-scope/interface.js";
import { ApiError } from "../../errors/index.js";

/** Every way the internet reaches one resource, each with its path. */
export async function resourceExposure(ctx: ServiceCtx, input: { uid: string }): Promise<ExposureAnswer> {
  const answer = await ctx.scope.exposure(input.uid);
  if (!answer) throw new ApiError("NOT_FOUND", "no such resource");
  return answer;
}
