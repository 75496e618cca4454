import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { getScopeStats } from "../../services/scope/stats.js";

/** GET /v1/scope/stats — row counts of the tenant's graph and what its last classification cost (admins: operational, not scope). */
export const scopeStatsRoute = new Hono<AppEnv>().get("/stats", requireApiKey("admin"), async (c) => {
  return c.json(await getScopeStats(c.get("svc")));
});
