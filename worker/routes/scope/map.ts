import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { DEFAULT_MAP_NODES, MAX_MAP_NODES } from "../../durable-objects/tenant-scope/boundary-map.js";
import { ScopeParam } from "../../lib/query-params.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { getBoundaryMap } from "../../services/scope/map.js";

const flag = z.enum(["0", "1"]).optional().transform((v) => v === "1");

export const BoundaryMapQuery = z.object({
  /** Repeat for several (`?scope=cde&scope=connected`); none means all four. */
  scope: z.union([ScopeParam, z.array(ScopeParam)]).optional().transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
  account: z.string().min(1).max(128).optional(),
  network: z.string().max(512).optional(),
  hideOos: flag,
  plumbing: flag,
  minBytes: z.coerce.number().int().min(0).optional(),
  maxNodes: z.coerce.number().int().min(10).max(MAX_MAP_NODES).default(DEFAULT_MAP_NODES),
});

/**
 * GET /v1/scope/map — the boundary map as boxes and links, aggregated in the tenant's object
 * to at most `maxNodes` boxes; a folded box carries the filter (`drill`) that opens it.
 */
export const boundaryMapRoute = new Hono<AppEnv>().get("/map", requireApiKey("admin", "read"), validate("query", BoundaryMapQuery), async (c) => {
  return c.json(await getBoundaryMap(c.get("svc"), c.req.valid("query")));
});
