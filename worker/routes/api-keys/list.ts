import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { listApiKeys } from "../../services/api-keys/list.js";

/** GET /v1/api-keys — name, prefix, role, created, last used, revoked; never the key or its hash. */
export const listApiKeysRoute = new Hono<AppEnv>().get("/", requireApiKey("admin"), async (c) => {
  return c.json({ items: await listApiKeys(c.get("svc")) });
});
