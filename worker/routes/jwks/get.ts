import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { openDatabase } from "../../db/client.js";
import { tenantDb } from "../../db/tenant-db.js";
import { ApiError } from "../../errors/index.js";
import { validate } from "../../middleware/validate.js";
import { tenantJwks } from "../../services/evidence/keys.js";

const Query = z.object({ tenant: z.string().min(1).max(64) });

/**
 * GET /.well-known/jwks.json?tenant=<id> — public, no credentials: every evidence key the
 * tenant ever signed with (retired ones too, so old artifacts stay verifiable).
 */
export const jwksRoute = new Hono<AppEnv>().get("/jwks.json", validate("query", Query), async (c) => {
  const jwks = await tenantJwks({ db: tenantDb(openDatabase(c.env.DB), c.req.valid("query").tenant) });
  if (jwks.keys.length === 0) throw new ApiError("NOT_FOUND", "no evidence keys for this tenant");
  return c.json(jwks, 200, { "cache-control": "public, max-age=300" });
});
