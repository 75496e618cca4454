import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { getScopeSummary } from "../../services/scope/summary.js";

export const scopeSummaryRoute = new Hono<AppEnv>().get("/summary", requireApiKey("admin", "read"), async (c) => {
  return c.json(await getScopeSummary(c.get("svc")));
});
