import type { ServiceCtx } from "../../context.js";
import { ApiError } from "../../errors/index.js";

/** Hands an authenticated WebSocket upgrade to the tenant's object, which keeps the socket (hibernation API). */
export async function connectLive(ctx: ServiceCtx, request: Request): Promise<Response> {
  if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError("INVALID_REQUEST", "GET /v1/live is a WebSocket: send `Upgrade: websocket`");
  }
  // Only the upgrade goes on: the credential stays at the edge.
  const headers = new Headers({ upgrade: "websocket" });
  for (const h of ["sec-websocket-key", "sec-websocket-version", "sec-websocket-protocol", "sec-websocket-extensions"]) {
    const v = request.headers.get(h);
    if (v !== null) headers.set(h, v);
  }
  return ctx.scope.fetch(new Request("https://tenant-scope/live", { headers }));
}
