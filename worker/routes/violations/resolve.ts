import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { setViolationStatus } from "../../services/violations/set-status.js";
import { requireTriage, StatusRequest, ViolationParams } from "./triage.js";

/** POST /v1/violations/:id/resolve — {comment}; returns the violation. Audited as `violation.resolve`. */
export const resolveViolationRoute = new Hono<AppEnv>().post(
  "/:id/resolve",
  requireApiKey("admin", "read"),
  requireTriage,
  validate("param", ViolationParams),
  validate("json", StatusRequest),
  async (c) => {
    return c.json(await setViolationStatus(c.get("svc"), { id: c.req.valid("param").id, status: "resolved", comment: c.req.valid("json").comment }));
  },
);
