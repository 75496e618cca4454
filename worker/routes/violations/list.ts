import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { CursorParam, LimitParam } from "../../lib/query-params.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { listViolations } from "../../services/violations/list.js";

export const SeverityParam = z.enum(["critical", "high", "medium", "low"]);
export const ViolationKindParam = z.enum(["flow_cde_out_of_scope", "path_cde_out_of_scope", "internet_to_cde", "unmapped_ip_to_cde"]);

export const ListViolationsQuery = z.object({
  status: z.enum(["open", "acknowledged", "resolved"]).optional(),
  severity: SeverityParam.optional(),
  kind: ViolationKindParam.optional(),
  cursor: CursorParam,
  limit: LimitParam,
});

/** GET /v1/violations — segmentation violations, critical first, then by id. */
export const listViolationsRoute = new Hono<AppEnv>().get("/", requireApiKey("admin", "read"), validate("query", ListViolationsQuery), async (c) => {
  return c.json(await listViolations(c.get("svc"), c.req.valid("query")));
});
