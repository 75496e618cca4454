import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { requireUser } from "../../middleware/session.js";
import { listInvites } from "../../services/invites/list.js";

/** GET /v1/invites — the newest 200 invites with their status. Owner, admin. */
export const listInvitesRoute = new Hono<AppEnv>().get("/", requireUser("owner", "admin"), async (c) => c.json(await listInvites(c.get("svc"))));
