import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { listCollectors } from "../../services/collectors/list.js";

export const listCollectorsRoute = new Hono<AppEnv>().get("/", requireApiKey("admin", "read"), async (c) => {
  return c.json({ items: await listCollectors(c.get("svc")) });
});
