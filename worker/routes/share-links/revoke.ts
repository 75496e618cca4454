import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { revokeShareLink } from "../../services/share-links/revoke.js";
import { LinkParams } from "./list.js";

/** DELETE /v1/share-links/:id — revokes at once. */
export const revokeShareLinkRoute = new Hono<AppEnv>().delete("/:id", requireApiKey("admin"), validate("param", LinkParams), async (c) => {
  return c.json(await revokeShareLink(c.get("svc"), c.req.valid("param").id));
});
