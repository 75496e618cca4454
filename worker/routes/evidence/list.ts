import { Hono } from "hono";
import { and, desc, eq, lt } from "drizzle-orm";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { EVIDENCE_KINDS, evidenceArtifacts } from "../../db/schema/index.js";
import { LimitParam } from "../../lib/query-params.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { artifactView } from "../../services/evidence/read.js";

const Query = z.object({ kind: z.enum(EVIDENCE_KINDS).optional(), beforeSeq: z.coerce.number().int().min(1).optional(), limit: LimitParam });

/** GET /v1/evidence — newest first; page with `beforeSeq` = the last item's seq. */
export const listEvidenceRoute = new Hono<AppEnv>().get("/", requireApiKey("admin", "read"), validate("query", Query), async (c) => {
  const q = c.req.valid("query");
  const where = and(q.kind ? eq(evidenceArtifacts.kind, q.kind) : undefined, q.beforeSeq ? lt(evidenceArtifacts.seq, q.beforeSeq) : undefined);
  const rows = await c.get("svc").db.select(evidenceArtifacts, { ...(where ? { where } : {}), orderBy: [desc(evidenceArtifacts.seq)], limit: q.limit });
  return c.json({ items: rows.map(artifactView), nextBeforeSeq: rows.length === q.limit ? rows.at(-1)!.seq : null });
});
