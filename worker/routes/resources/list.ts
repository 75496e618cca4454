import { Hono } from "hono";
import { z } from "zod";
import { Provider, ResourceKind } from "../../../contract/index.js";
import type { AppEnv } from "../../context.js";
import { RESOURCE_SORTS } from "../../durable-objects/tenant-scope/resource-list.js";
import { CursorParam, LimitParam, ScopeParam } from "../../lib/query-params.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { listResources } from "../../services/resources/list.js";

export const ListResourcesQuery = z.object({
  scope: z.union([ScopeParam, z.literal("unclassified")]).optional(),
  kind: ResourceKind.optional(),
  provider: Provider.optional(),
  account: z.string().min(1).max(128).optional(),
  q: z.string().min(1).max(256).optional(),
  sort: z.enum(RESOURCE_SORTS).optional(),
  dir: z.enum(["asc", "desc"]).optional(),
  cursor: CursorParam,
  limit: LimitParam,
});

/** GET /v1/resources — ordered by uid unless `sort`/`dir` say otherwise; follow `nextCursor` (valid only for the same sort) until it is null. */
export const listResourcesRoute = new Hono<AppEnv>().get("/", requireApiKey("admin", "read"), validate("query", ListResourcesQuery), async (c) => {
  return c.json(await listResources(c.get("svc"), c.req.valid("query")));
});
