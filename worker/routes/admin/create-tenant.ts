import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { openDatabase } from "../../db/client.js";
import { ApiError } from "../../errors/index.js";
import { sameDigest, sha256OfText } from "../../lib/crypto.js";
import { validate } from "../../middleware/validate.js";
import { createTenant } from "../../services/tenants/create.js";

/**
 * A secret, so not in wrangler.toml and not always in the generated Env (it depends on
 * whether .dev.vars existed when `wrangler types` ran); it may be unset in production.
 */
type OperatorEnv = Env & { OPERATOR_TOKEN?: string };

export const CreateTenantRequest = z.object({ name: z.string().trim().min(1).max(128) });

/**
 * Operator bootstrap, guarded by the OPERATOR_TOKEN secret. Without the secret the route
 * does not exist (404), so a deployment that never set it has no operator surface at all.
 */
const requireOperator = createMiddleware<AppEnv>(async (c, next) => {
  const secret = (c.env as OperatorEnv).OPERATOR_TOKEN;
  if (!secret) throw new ApiError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`);
  const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  if (!presented || !sameDigest(await sha256OfText(presented), await sha256OfText(secret))) {
    throw new ApiError("UNAUTHENTICATED", "send the operator token as `Authorization: Bearer <OPERATOR_TOKEN>`");
  }
  await next();
});

export const createTenantRoute = new Hono<AppEnv>().post("/", requireOperator, validate("json", CreateTenantRequest), async (c) => {
  const { name } = c.req.valid("json");
  const created = await createTenant({ db: openDatabase(c.env.DB), now: () => Date.now() }, { name });
  return c.json(created, 201);
});
