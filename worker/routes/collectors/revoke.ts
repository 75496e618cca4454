import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { revokeCollector } from "../../services/collectors/revoke.js";

const Params = z.object({ id: z.string().min(1).max(64) });

export const revokeCollectorRoute = new Hono<AppEnv>().post("/:id/revoke", requireApiKey("admin"), validate("param", Params), async (c) => {
  return c.json(await revokeCollector(c.get("svc"), { collectorId: c.req.valid("param").id }));
});
