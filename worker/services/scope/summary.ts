import type { ServiceCtx } from "../../context.js";
import type { ScopeSummary } from "../../durable-objects/tenant-scope/interface.js";

export async function getScopeSummary(ctx: ServiceCtx): Promise<ScopeSummary> {
  return ctx.scope.summary();
}
