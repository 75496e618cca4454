import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { collectorCoverage } from "../../services/collectors/coverage.js";

const Params = z.object({ id: z.string().min(1).max(64) });

/** GET /v1/collectors/:id/coverage — what the collector's last complete scan skipped or read only partly. */
export const collectorCoverageRoute = new Hono<AppEnv>().get("/:id/coverage", requireApiKey("admin", "read"), validate("param", Params), async (c) => {
  return c.json(await collectorCoverage(c.get("svc"), { collectorId: c.req.valid("param").id }));
});
