import type { ServiceCtx } from "../../context.js";
import type { BoundaryMapGraph } from "../../durable-objects/tenant-scope/boundary-map.js";
import type { Scope } from "../../scope/types.js";

export interface BoundaryMapInput {
  scope: Scope[];
  account?: string | undefined;
  network?: string | undefined;
  hideOos: boolean;
  plumbing: boolean;
  minBytes?: number | undefined;
  maxNodes: number;
}

export async function getBoundaryMap(ctx: ServiceCtx, input: BoundaryMapInput): Promise<BoundaryMapGraph> {
  return ctx.scope.boundaryMap({
    scopes: input.scope,
    ...(input.account !== undefined ? { account: input.account } : {}),
    ...(input.network !== undefined ? { network: input.network } : {}),
    hideOutOfScope: input.hideOos,
    plumbing: input.plumbing,
    minBytes: input.minBytes ?? 0,
    maxNodes: input.maxNodes,
  });
}
