import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { LimitParam } from "../../lib/query-params.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { listShareLinkAccess, listShareLinks } from "../../services/share-links/list.js";

export const LinkParams = z.object({ id: z.string().regex(/^shl_[0-9a-f]{24}$/) });

/** GET /v1/share-links and GET /v1/share-links/:id/access (the access log) — admins only. */
export const listShareLinksRoute = new Hono<AppEnv>()
  .get("/", requireApiKey("admin"), async (c) => c.json(await listShareLinks(c.get("svc"))))
  .get("/:id/access", requireApiKey("admin"), validate("param", LinkParams), validate("query", z.object({ limit: LimitParam })), async (c) =>
    c.json(await listShareLinkAccess(c.get("svc"), { id: c.req.valid("param").id, limit: c.req.valid("query").limit })),
  );
