import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { currentUser, requireUser } from "../../middleware/session.js";
import { revokeSession } from "../../services/sessions/revoke.js";

/** DELETE /v1/sessions/current — sign out: the session row is deleted. */
export const deleteSessionRoute = new Hono<AppEnv>().delete("/current", requireUser(), async (c) => {
  await revokeSession(c.get("svc"), { sessionId: currentUser(c).sessionId });
  return c.body(null, 204);
});
