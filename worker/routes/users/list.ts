import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { requireUser } from "../../middleware/session.js";
import { listUsers } from "../../services/users/list.js";

/** GET /v1/users — the tenant's people (any signed-in member may see who else is). */
export const listUsersRoute = new Hono<AppEnv>().get("/", requireUser(), async (c) => c.json(await listUsers(c.get("svc"))));
