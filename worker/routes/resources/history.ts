import { Hono } from "hono";
import { z } from "zod";
import { Uid } from "../../../contract/index.js";
import type { AppEnv } from "../../context.js";
import { LimitParam } from "../../lib/query-params.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { resourceHistory } from "../../services/resources/history.js";

const Params = z.object({ uid: Uid });
const Query = z.object({ limit: LimitParam });

/** GET /v1/resources/:uid/history — drift events and override changes of one resource, newest first. */
export const resourceHistoryRoute = new Hono<AppEnv>().get("/:uid/history", requireApiKey("admin", "read"), validate("param", Params), validate("query", Query), async (c) => {
  return c.json(await resourceHistory(c.get("svc"), { uid: c.req.valid("param").uid, limit: c.req.valid("query").limit }));
});
