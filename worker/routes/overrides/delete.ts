import { Hono } from "hono";
import { z } from "zod";
import { Uid } from "../../../contract/index.js";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { removeOverride } from "../../services/overrides/remove.js";

const Params = z.object({ uid: Uid });

export const deleteOverrideRoute = new Hono<AppEnv>().delete("/:uid", requireApiKey("admin"), validate("param", Params), async (c) => {
  await removeOverride(c.get("svc"), { uid: c.req.valid("param").uid });
  return c.body(null, 204);
});
