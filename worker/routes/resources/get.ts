import { Hono } from "hono";
import { z } from "zod";
import { Uid } from "../../../contract/index.js";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { getResource } from "../../services/resources/get.js";

const Params = z.object({ uid: Uid });
const Query = z.object({ topFlows: z.coerce.number().int().min(0).max(200).default(20) });

/** GET /v1/resources/:uid — the uid URL-encoded as one path segment (ARNs and Azure ids contain `/`). */
export const getResourceRoute = new Hono<AppEnv>().get(
  "/:uid",
  requireApiKey("admin", "read"),
  validate("param", Params),
  validate("query", Query),
  async (c) => {
    return c.json(await getResource(c.get("svc"), { uid: c.req.valid("param").uid, topFlows: c.req.valid("query").topFlows }));
  },
);
