import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { attestRoute } from "./attest.js";
import { generateEvidenceRoute } from "./generate.js";
import { getEvidenceRoute } from "./get.js";
import { evidenceKeyRoutes } from "./keys.js";
import { listEvidenceRoute } from "./list.js";
import { packageRoute } from "./package.js";

/** /v1/evidence: fixed paths before /:id. */
export const evidenceRoutes = new Hono<AppEnv>()
  .route("/", evidenceKeyRoutes)
  .route("/", packageRoute)
  .route("/", attestRoute)
  .route("/", generateEvidenceRoute)
  .route("/", listEvidenceRoute)
  .route("/", getEvidenceRoute);
