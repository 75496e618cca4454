import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { collectorCoverageRoute } from "./coverage.js";
import { enrollCollectorRoute } from "./enroll.js";
import { listCollectorsRoute } from "./list.js";
import { revokeCollectorRoute } from "./revoke.js";

export const collectorRoutes = new Hono<AppEnv>()
  .route("/enroll", enrollCollectorRoute)
  .route("/", listCollectorsRoute)
  .route("/", revokeCollectorRoute)
  .route("/", collectorCoverageRoute);
