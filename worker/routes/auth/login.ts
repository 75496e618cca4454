import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { openDatabase } from "../../db/client.js";
import { validate } from "../../middleware/validate.js";
import { login } from "../../services/sessions/login.js";

export const LoginRequest = z.object({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(256) });

/** POST /v1/auth/login — e-mail + password → a session token. Rate-limited per address and per client. */
export const loginRoute = new Hono<AppEnv>().post("/login", validate("json", LoginRequest), async (c) => {
  const { email, password } = c.req.valid("json");
  const session = await login({ db: openDatabase(c.env.DB), now: () => Date.now() }, { email, password, client: c.req.header("cf-connecting-ip") });
  return c.json(session, 201);
});
