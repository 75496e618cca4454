import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { getScopeSummary } from "../../services/scope/summary.js";
import { boundaryMapRoute } from "./map.js";
import { scopeStatsRoute } from "./stats.js";
import { scopeTrendRoute } from "./trend.js";

/** GET /v1/scope/summary. The /v1/scope sub-app also carries /stats, /trend and /map (app.ts mounts this one module). */
export const scopeSummaryRoute = new Hono<AppEnv>()
  .get("/summary", requireApiKey("admin", "read"), async (c) => {
    return c.json(await getScopeSummary(c.get("svc")));
  })
  .route("/", scopeStatsRoute)
  .route("/", scopeTrendRoute)
  .route("/", boundaryMapRoute);
