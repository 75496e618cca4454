import { Hono } from "hono";
import { z } from "zod";
import { Uid } from "../../../contract/index.js";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { resourceExposure } from "../../services/resources/exposure.js";

const Params = z.object({ uid: Uid });

/** GET /v1/resources/:uid/exposure — every way the internet reaches the resource, with the hops. */
export const resourceExposureRoute = new Hono<AppEnv>().get("/:uid/exposure", requireApiKey("admin", "read"), validate("param", Params), async (c) => {
  return c.json(await resourceExposure(c.get("svc"), { uid: c.req.valid("param").uid }));
});
