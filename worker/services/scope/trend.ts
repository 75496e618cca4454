import type { ServiceCtx } from "../../context.js";
import type { ScopeTrend } from "../../durable-objects/tenant-scope/trend.js";

export async function getScopeTrend(ctx: ServiceCtx, input: { days: number }): Promise<ScopeTrend> {
  return ctx.scope.scopeTrend(input.days);
}
