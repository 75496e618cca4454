import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { USER_ROLES } from "../../db/schema/index.js";
import { currentUser, requireUser } from "../../middleware/session.js";
import { validate } from "../../middleware/validate.js";
import { createInvite } from "../../services/invites/create.js";

export const CreateInviteRequest = z.object({ role: z.enum(USER_ROLES), email: z.email().max(254).optional() });

/** POST /v1/invites — a one-time link's token (shown once) to join with a role. Owner, admin. */
export const createInviteRoute = new Hono<AppEnv>().post("/", requireUser("owner", "admin"), validate("json", CreateInviteRequest), async (c) => {
  const input = c.req.valid("json");
  return c.json(await createInvite(c.get("svc"), { actorRole: currentUser(c).role, role: input.role, email: input.email }), 201);
});
