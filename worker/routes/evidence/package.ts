import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { buildPackage } from "../../services/evidence/package.js";
import { ArtifactParams } from "./get.js";
import { ev } from "./helpers.js";

const Body = z.object({ artifactIds: z.array(ArtifactParams.shape.id).min(1).max(200).optional() }).strict();

export function zipResponse(pkg: { zip: Uint8Array; filename: string }): Response {
  return new Response(pkg.zip, { headers: { "content-type": "application/zip", "content-disposition": `attachment; filename="${pkg.filename}"` } });
}

/** POST /v1/evidence/package — the assessor zip: the latest artifact of every kind, or the ids given. */
export const packageRoute = new Hono<AppEnv>().post("/package", requireApiKey("admin", "read"), validate("json", Body), async (c) => {
  const { artifactIds } = c.req.valid("json");
  return zipResponse(await buildPackage(ev(c), artifactIds ? { artifactIds } : {}));
});
