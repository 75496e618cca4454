import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { createShareLink } from "../../services/share-links/create.js";
import { ShareGrants } from "../../services/share-links/grants.js";

export const CreateShareLinkRequest = z
  .object({ grants: ShareGrants, expiresAt: z.iso.datetime(), note: z.string().trim().min(1).max(1000).optional() })
  .strict();

/** POST /v1/share-links — returns the token once; it is never shown again. */
export const createShareLinkRoute = new Hono<AppEnv>().post("/", requireApiKey("admin"), validate("json", CreateShareLinkRequest), async (c) => {
  return c.json(await createShareLink(c.get("svc"), c.req.valid("json")), 201);
});
