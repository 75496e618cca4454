import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { ApiError } from "../../errors/index.js";
import { shareLinkView } from "../../services/share-links/view.js";
import { ev } from "../evidence/helpers.js";
import { currentLink, requireShareLink } from "./auth.js";
import { shareEvidenceRoutes } from "./evidence.js";
import { shareScopeRoutes } from "./scope.js";

/**
 * /v1/share — what an auditor reaches with a link: read-only, this tenant only, what the link
 * names only. GET / says what the link grants (the web app's share pages start there).
 */
export const shareRoutes = new Hono<AppEnv>()
  .use("*", requireShareLink)
  .get("/", async (c) => {
    const { row } = currentLink(c);
    const { id, grants, note, expiresAt, createdAt } = shareLinkView(row, Date.now());
    return c.json({ link: { id, grants, note, expiresAt, createdAt }, tenant: { name: await ev(c).tenantName() } });
  })
  .route("/", shareScopeRoutes)
  .route("/", shareEvidenceRoutes)
  .all("*", () => {
    throw new ApiError("FORBIDDEN", "share links are read-only and open only the auditor views");
  });

/**
 * Guard for the rest of the API: a share token is refused (403) everywhere but /v1/share and
 * the public JWKS, so a link can never reach a write, an admin route or another tenant.
 */
export { shareTokenGuard } from "./guard.js";
