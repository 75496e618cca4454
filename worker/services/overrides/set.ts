import type { ServiceCtx } from "../../context.js";
import type { Scope, ScopeDecision } from "../../scope/types.js";
import { ApiError } from "../../errors/index.js";
import { recordAudit } from "../audit/record.js";

/** A manual scope decision: stored and applied in the tenant's object, audited in D1. */
export async function setOverride(
  ctx: ServiceCtx,
  input: { uid: string; scope: Scope; justification: string; expiresAt?: string | undefined },
): Promise<ScopeDecision | null> {
  if (input.expiresAt !== undefined && Date.parse(input.expiresAt) <= ctx.now()) {
    throw new ApiError("INVALID_REQUEST", "expiresAt: must be in the future");
  }
  const decision = await ctx.scope.setOverride({
    uid: input.uid,
    scope: input.scope,
    justification: input.justification,
    author: ctx.actor,
    ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
  });
  if (decision === null) {
    // Not this tenant's resource (or not one at all): nothing was stored, nothing to audit.
    throw new ApiError("NOT_FOUND", "no such resource");
  }
  await recordAudit(ctx, {
    action: "override.set",
    target: input.uid,
    detail: { scope: input.scope, justification: input.justification, expiresAt: input.expiresAt ?? null },
  }).run();
  return decision;
}
