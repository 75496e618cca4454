import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { openDatabase } from "../../db/client.js";
import { validate } from "../../middleware/validate.js";
import { signUp } from "../../services/users/signup.js";
import { capabilities } from "../../services/sessions/current.js";

export const Email = z.email().max(254);
/** Long enough to resist guessing; PBKDF2 takes care of the rest. No composition rules (NIST 800-63B). */
export const Password = z.string().min(12, "use at least 12 characters").max(256);

export const SignUpRequest = z.object({
  tenantName: z.string().trim().min(1).max(128),
  name: z.string().trim().min(1).max(128),
  email: Email,
  password: Password,
});

/** POST /v1/auth/signup — a new tenant and its owner, signed in. Public. */
export const signUpRoute = new Hono<AppEnv>().post("/signup", validate("json", SignUpRequest), async (c) => {
  const created = await signUp({ db: openDatabase(c.env.DB), now: () => Date.now() }, c.req.valid("json"));
  return c.json({ ...created, can: capabilities(created.user.role) }, 201);
});
