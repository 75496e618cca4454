import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { rotateEvidenceKey, tenantJwks } from "../../services/evidence/keys.js";
import { ev } from "./helpers.js";

/** GET /v1/evidence/jwks (the caller's tenant) and POST /v1/evidence/keys/rotate. */
export const evidenceKeyRoutes = new Hono<AppEnv>()
  .get("/jwks", requireApiKey("admin", "read"), async (c) => c.json(await tenantJwks(c.get("svc"))))
  .post("/keys/rotate", requireApiKey("admin"), async (c) => c.json(await rotateEvidenceKey(ev(c)), 201));
