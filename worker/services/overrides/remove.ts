import type { ServiceCtx } from "../../context.js";
import { ApiError } from "../../errors/index.js";
import { recordAudit } from "../audit/record.js";

export async function removeOverride(ctx: ServiceCtx, input: { uid: string }): Promise<void> {
  const removed = await ctx.scope.removeOverride(input.uid, ctx.actor);
  if (!removed) throw new ApiError("NOT_FOUND", "no override for this resource");
  await recordAudit(ctx, { action: "override.remove", target: input.uid }).run();
}
