import { Hono } from "hono";
import { desc, inArray } from "drizzle-orm";
import type { AppEnv } from "../../context.js";
import { evidenceArtifacts } from "../../db/schema/index.js";
import { ApiError } from "../../errors/index.js";
import { validate } from "../../middleware/validate.js";
import { tenantJwks } from "../../services/evidence/keys.js";
import { buildPackage } from "../../services/evidence/package.js";
import { artifactView, findArtifact, readArtifactFiles } from "../../services/evidence/read.js";
import { grantsEvidence } from "../../services/share-links/grants.js";
import { ev } from "../evidence/helpers.js";
import { ArtifactParams, artifactFile, FileParams } from "../evidence/get.js";
import { zipResponse } from "../evidence/package.js";
import { requireGrant } from "./auth.js";

/** The evidence a link grants: list, each artifact's files, the JWKS and the assessor package. Anything not granted is 404. */
export const shareEvidenceRoutes = new Hono<AppEnv>()
  .get("/evidence", async (c) => {
    const g = requireGrant(c, "evidence");
    const db = c.get("svc").db;
    const rows = await db.select(evidenceArtifacts, { ...(Array.isArray(g.evidence) ? { where: inArray(evidenceArtifacts.id, g.evidence) } : {}), orderBy: [desc(evidenceArtifacts.seq)], limit: 500 });
    return c.json({ items: rows.map(artifactView) });
  })
  .get("/evidence/jwks", async (c) => {
    requireGrant(c, "evidence");
    return c.json(await tenantJwks(c.get("svc")));
  })
  .get("/evidence/package", async (c) => {
    const g = requireGrant(c, "evidence");
    return zipResponse(await buildPackage(ev(c), Array.isArray(g.evidence) ? { artifactIds: g.evidence } : {}));
  })
  .get("/evidence/:id", validate("param", ArtifactParams), async (c) => {
    const g = requireGrant(c, "evidence");
    const id = c.req.valid("param").id;
    if (!grantsEvidence(g, id)) throw new ApiError("NOT_FOUND", "no such evidence artifact on this link");
    return c.json(artifactView(await findArtifact(ev(c), id)));
  })
  .get("/evidence/:id/:file", validate("param", FileParams), async (c) => {
    const g = requireGrant(c, "evidence");
    const { id, file } = c.req.valid("param");
    if (!grantsEvidence(g, id)) throw new ApiError("NOT_FOUND", "no such evidence artifact on this link");
    const ctx = ev(c);
    return artifactFile(await readArtifactFiles(ctx, await findArtifact(ctx, id)), file);
  });
