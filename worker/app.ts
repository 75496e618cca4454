import { Hono } from "hono";
import type { AppEnv } from "./context.js";
import { notFound, onError } from "./middleware/errors.js";
import { requestId } from "./middleware/request-id.js";
import { createTenantRoute } from "./routes/admin/create-tenant.js";
import { apiKeyRoutes } from "./routes/api-keys/index.js";
import { authRoutes } from "./routes/auth/index.js";
import { collectorRoutes } from "./routes/collectors/index.js";
import { createEnrollmentTokenRoute } from "./routes/enrollment-tokens/create.js";
import { evidenceRoutes } from "./routes/evidence/index.js";
import { exportRoutes } from "./routes/exports/index.js";
import { listDriftRoute } from "./routes/drift/list.js";
import { listFlowsRoute } from "./routes/flows/list.js";
import { getHealth } from "./routes/health/get.js";
import { ingestRoute } from "./routes/ingest/create.js";
import { jwksRoute } from "./routes/jwks/get.js";
import { inviteRoutes } from "./routes/invites/index.js";
import { liveRoute } from "./routes/live/get.js";
import { overrideRoutes } from "./routes/overrides/index.js";
import { getPathRoute } from "./routes/paths/get.js";
import { resourceRoutes } from "./routes/resources/index.js";
import { scopeSummaryRoute } from "./routes/scope/summary.js";
import { shareLinkRoutes } from "./routes/share-links/index.js";
import { shareRoutes, shareTokenGuard } from "./routes/share/index.js";
import { sessionRoutes } from "./routes/sessions/index.js";
import { userRoutes } from "./routes/users/index.js";
import { violationRoutes } from "./routes/violations/index.js";

/** The API worker: middleware, then one sub-app per resource. Auth is per route. */
export function createApp() {
  const app = new Hono<AppEnv>();
  app.use("*", requestId);
  app.use("*", shareTokenGuard);
  app.onError(onError);
  app.notFound(notFound);

  app.route("/healthz", getHealth);
  app.route("/v1/admin/tenants", createTenantRoute);
  app.route("/v1/api-keys", apiKeyRoutes);
  app.route("/v1/enrollment-tokens", createEnrollmentTokenRoute);
  app.route("/v1/collectors", collectorRoutes);
  app.route("/v1/ingest", ingestRoute);
  app.route("/v1/scope", scopeSummaryRoute);
  app.route("/v1/resources", resourceRoutes);
  app.route("/v1/flows", listFlowsRoute);
  app.route("/v1/overrides", overrideRoutes);
  app.route("/v1/paths", getPathRoute);
  app.route("/v1/violations", violationRoutes);
  app.route("/v1/drift", listDriftRoute);
  app.route("/v1/live", liveRoute);
  app.route("/v1/auth", authRoutes);
  app.route("/v1/sessions", sessionRoutes);
  app.route("/v1/users", userRoutes);
  app.route("/v1/invites", inviteRoutes);
  app.route("/v1/evidence", evidenceRoutes);
  app.route("/v1/exports", exportRoutes);
  app.route("/.well-known", jwksRoute);
  app.route("/v1/share-links", shareLinkRoutes);
  app.route("/v1/share", shareRoutes);
  return app;
}

export const app = createApp();
