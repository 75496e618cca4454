import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { resourceExposureRoute } from "./exposure.js";
import { getResourceRoute } from "./get.js";
import { resourceHistoryRoute } from "./history.js";
import { listResourcesRoute } from "./list.js";

export const resourceRoutes = new Hono<AppEnv>()
  .route("/", listResourcesRoute)
  .route("/", resourceHistoryRoute)
  .route("/", resourceExposureRoute)
  .route("/", getResourceRoute);
