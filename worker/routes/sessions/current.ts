import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { openDatabase } from "../../db/client.js";
import { currentUser, requireUser } from "../../middleware/session.js";
import { currentSession } from "../../services/sessions/current.js";

/** GET /v1/sessions/current — who is signed in, their tenant and what their role may do. */
export const currentSessionRoute = new Hono<AppEnv>().get("/current", requireUser(), async (c) => {
  const user = currentUser(c);
  return c.json(await currentSession({ ...c.get("svc"), rawDb: openDatabase(c.env.DB) }, { userId: user.userId, sessionId: user.sessionId }));
});
