import { Hono } from "hono";
import { z } from "zod";
import { Uid } from "../../../contract/index.js";
import type { AppEnv } from "../../context.js";
import { CursorParam, LimitParam, ScopeParam } from "../../lib/query-params.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { listFlows } from "../../services/flows/list.js";

const EndpointScope = z.union([ScopeParam, z.literal("unmapped")]);

export const ListFlowsQuery = z.object({
  uid: Uid.optional(),
  srcScope: EndpointScope.optional(),
  dstScope: EndpointScope.optional(),
  port: z.coerce.number().int().min(0).max(65535).optional(),
  protocol: z.coerce.number().int().min(0).max(255).optional(),
  action: z.enum(["accept", "reject"]).optional(),
  cursor: CursorParam,
  limit: LimitParam,
});

/** GET /v1/flows — flow edges with each side's scope; ordered by (src, dst, port, protocol, action). */
export const listFlowsRoute = new Hono<AppEnv>().get("/", requireApiKey("admin", "read"), validate("query", ListFlowsQuery), async (c) => {
  return c.json(await listFlows(c.get("svc"), c.req.valid("query")));
});
