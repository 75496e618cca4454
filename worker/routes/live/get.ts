import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { connectLive } from "../../services/live/connect.js";

/**
 * GET /v1/live — a WebSocket of the tenant's scope events (docs/api.md#live-updates).
 * Authenticated like every read; the tenant's object then holds the socket.
 */
export const liveRoute = new Hono<AppEnv>().get("/", requireApiKey("admin", "read"), async (c) => {
  return connectLive(c.get("svc"), c.req.raw);
});
