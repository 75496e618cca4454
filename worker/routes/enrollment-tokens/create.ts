import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { createEnrollmentToken } from "../../services/enrollment-tokens/create.js";

export const MAX_ENROLLMENT_TTL_SECONDS = 24 * 60 * 60;

export const CreateEnrollmentTokenRequest = z.object({
  ttlSeconds: z.number().int().min(60).max(MAX_ENROLLMENT_TTL_SECONDS).optional(),
  /** Name the collector gets when it does not send its own. */
  name: z.string().trim().min(1).max(128).optional(),
});

export const createEnrollmentTokenRoute = new Hono<AppEnv>().post(
  "/",
  requireApiKey("admin"),
  validate("json", CreateEnrollmentTokenRequest),
  async (c) => {
    const input = c.req.valid("json");
    const principal = c.get("principal");
    const created = await createEnrollmentToken(c.get("svc"), {
      ttlSeconds: input.ttlSeconds ?? Number(c.env.ENROLLMENT_TOKEN_TTL_SECONDS),
      name: input.name,
      createdBy: principal.kind === "api_key" ? principal.keyId : "unknown",
    });
    return c.json(created, 201);
  },
);
