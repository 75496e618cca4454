import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { GENERATED_KINDS, generateEvidence } from "../../services/evidence/generate.js";
import { ev } from "./helpers.js";

const Body = z.object({ kinds: z.array(z.enum(GENERATED_KINDS)).max(GENERATED_KINDS.length).optional() }).strict();

/** POST /v1/evidence — generate, sign and chain artifacts now (default: every generated kind). */
export const generateEvidenceRoute = new Hono<AppEnv>().post("/", requireApiKey("admin"), validate("json", Body), async (c) => {
  return c.json(await generateEvidence(ev(c), c.req.valid("json")), 201);
});
