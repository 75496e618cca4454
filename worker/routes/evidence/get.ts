import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { ApiError } from "../../errors/index.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { artifactView, findArtifact, readArtifactFiles } from "../../services/evidence/read.js";
import { ev } from "./helpers.js";

export const ArtifactParams = z.object({ id: z.string().regex(/^evd_[0-9a-f]{24}$/) });
export const FileParams = ArtifactParams.extend({ file: z.enum(["json", "jws", "svg"]) });

/** The exact stored bytes of one file of an artifact: the canonical JSON, its detached JWS, or a diagram's SVG. */
export async function artifactFile(files: Awaited<ReturnType<typeof readArtifactFiles>>, file: "json" | "jws" | "svg"): Promise<Response> {
  const name = `${String(files.row.seq).padStart(6, "0")}-${files.row.kind}`;
  if (file === "json") return new Response(files.json, { headers: { "content-type": "application/json", "content-disposition": `attachment; filename="${name}.json"`, "x-content-sha256": files.row.sha256 } });
  if (file === "jws") return new Response(files.jws, { headers: { "content-type": "application/jose", "content-disposition": `attachment; filename="${name}.json.jws"` } });
  if (files.svg === null) throw new ApiError("NOT_FOUND", "this artifact has no diagram");
  return new Response(files.svg, { headers: { "content-type": "image/svg+xml", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'", "content-disposition": `inline; filename="${name}.svg"` } });
}

/** GET /v1/evidence/:id (index entry) and GET /v1/evidence/:id/:file (json | jws | svg). */
export const getEvidenceRoute = new Hono<AppEnv>()
  .get("/:id", requireApiKey("admin", "read"), validate("param", ArtifactParams), async (c) => {
    return c.json(artifactView(await findArtifact(ev(c), c.req.valid("param").id)));
  })
  .get("/:id/:file", requireApiKey("admin", "read"), validate("param", FileParams), async (c) => {
    const ctx = ev(c);
    const { id, file } = c.req.valid("param");
    return artifactFile(await readArtifactFiles(ctx, await findArtifact(ctx, id)), file);
  });
