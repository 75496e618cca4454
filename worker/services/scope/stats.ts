import type { ServiceCtx } from "../../context.js";
import type { TenantScopeStats } from "../../durable-objects/tenant-scope/interface.js";

export async function getScopeStats(ctx: ServiceCtx): Promise<TenantScopeStats> {
  return ctx.scope.stats();
}
