import { Hono } from "hono";
import { z } from "zod";
import { Uid } from "../../../contract/index.js";
import type { AppEnv } from "../../context.js";
import { CursorParam, LimitParam } from "../../lib/query-params.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { listDrift } from "../../services/drift/list.js";
import { SeverityParam } from "../violations/list.js";

/** An ISO 8601 time or unix ms. */
const Since = z.union([
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
  z.string().regex(/^\d{1,15}$/, "an ISO 8601 time or unix ms").transform(Number),
]);

export const ListDriftQuery = z.object({
  since: Since.optional(),
  kind: z.enum(["resource_added", "resource_removed", "scope_changed", "new_boundary_flow", "cde_control_rule_changed"]).optional(),
  severity: SeverityParam.optional(),
  uid: Uid.optional(),
  cursor: CursorParam,
  limit: LimitParam,
});

/** GET /v1/drift — drift events, newest first. */
export const listDriftRoute = new Hono<AppEnv>().get("/", requireApiKey("admin", "read"), validate("query", ListDriftQuery), async (c) => {
  return c.json(await listDrift(c.get("svc"), c.req.valid("query")));
});
