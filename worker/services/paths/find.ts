import type { ServiceCtx } from "../../context.js";
import { ApiError } from "../../errors/index.js";
import type { ReachAnswer } from "../../scope/reachability/index.js";

/** "Can `from` reach `to`?" over the tenant's configured network, with the hops as evidence. */
export async function findPath(ctx: ServiceCtx, input: { from: string; to: string; port?: number | undefined; protocol?: string | undefined }): Promise<ReachAnswer> {
  const answer = await ctx.scope.findPath(input.from, input.to, input.port, input.protocol);
  if (!answer.ok) {
    // Another tenant's uid is not in this tenant's object: the same 404 as a made-up one.
    const named = answer.unknown.map((side) => `${side} (${side === "from" ? input.from : input.to})`).join(" and ");
    throw new ApiError("NOT_FOUND", `no such resource: ${named}`);
  }
  return answer.path;
}
