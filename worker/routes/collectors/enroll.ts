import { Hono } from "hono";
import { EnrollRequest, EnrollResponse } from "../../../contract/index.js";
import type { AppEnv } from "../../context.js";
import { openDatabase } from "../../db/client.js";
import { validate } from "../../middleware/validate.js";
import { enrollCollector } from "../../services/collectors/enroll.js";

/** Public: the one-time enrollment token in the body is the credential. */
export const enrollCollectorRoute = new Hono<AppEnv>().post("/", validate("json", EnrollRequest), async (c) => {
  const result = await enrollCollector({ db: openDatabase(c.env.DB), d1: c.env.DB, now: () => Date.now() }, c.req.valid("json"));
  return c.json(EnrollResponse.parse(result), 201);
});
