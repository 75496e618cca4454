import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { createApiKey } from "../../services/api-keys/create.js";

export const CreateApiKeyRequest = z.object({
  name: z.string().trim().min(1).max(128),
  role: z.enum(["admin", "read"]),
});

export const createApiKeyRoute = new Hono<AppEnv>().post("/", requireApiKey("admin"), validate("json", CreateApiKeyRequest), async (c) => {
  return c.json(await createApiKey(c.get("svc"), c.req.valid("json")), 201);
});
