import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { attestScope } from "../../services/evidence/attest.js";
import { ArtifactParams } from "./get.js";
import { ev } from "./helpers.js";

export const AttestRequest = z
  .object({
    name: z.string().trim().min(2).max(200),
    title: z.string().trim().min(1).max(200).optional(),
    statement: z.string().trim().min(20).max(5000),
    serviceProvider: z.boolean().optional(),
    snapshotId: ArtifactParams.shape.id.optional(),
  })
  .strict();

/** POST /v1/evidence/attestations — an admin confirms the scope (12.5.2 / 12.5.2.1). */
export const attestRoute = new Hono<AppEnv>().post("/attestations", requireApiKey("admin"), validate("json", AttestRequest), async (c) => {
  return c.json(await attestScope(ev(c), c.req.valid("json")), 201);
});
