import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { MAX_TREND_DAYS } from "../../durable-objects/tenant-scope/trend.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { getScopeTrend } from "../../services/scope/trend.js";

export const ScopeTrendQuery = z.object({
  days: z.coerce.number().int().min(1).max(MAX_TREND_DAYS).default(90),
});

/** GET /v1/scope/trend?days=90 — resources per scope over time, oldest point first (hourly up to 14 days, then daily). */
export const scopeTrendRoute = new Hono<AppEnv>().get("/trend", requireApiKey("admin", "read"), validate("query", ScopeTrendQuery), async (c) => {
  return c.json(await getScopeTrend(c.get("svc"), c.req.valid("query")));
});
