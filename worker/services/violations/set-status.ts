import type { ServiceCtx } from "../../context.js";
import type { ViolationView } from "../../durable-objects/tenant-scope/interface.js";
import { ApiError } from "../../errors/index.js";
import { recordAudit } from "../audit/record.js";

/** Acknowledge or resolve one violation with a comment: stored in the tenant's object, audited in D1. */
export async function setViolationStatus(
  ctx: ServiceCtx,
  input: { id: string; status: "acknowledged" | "resolved"; comment: string },
): Promise<ViolationView> {
  const result = await ctx.scope.setViolationStatus({ id: input.id, status: input.status, comment: input.comment, by: ctx.actor });
  if (result === null) throw new ApiError("NOT_FOUND", "no such violation");
  if ("conflict" in result) throw new ApiError("CONFLICT", result.conflict);
  await recordAudit(ctx, {
    action: input.status === "resolved" ? "violation.resolve" : "violation.acknowledge",
    target: input.id,
    detail: { comment: input.comment, kind: result.kind, severity: result.severity, subjects: result.subjects },
  }).run();
  return result;
}
