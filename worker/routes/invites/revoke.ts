import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { requireUser } from "../../middleware/session.js";
import { validate } from "../../middleware/validate.js";
import { revokeInvite } from "../../services/invites/revoke.js";

const Params = z.object({ id: z.string().min(1).max(64) });

/** POST /v1/invites/:id/revoke — withdraw a pending link. Owner, admin. */
export const revokeInviteRoute = new Hono<AppEnv>().post("/:id/revoke", requireUser("owner", "admin"), validate("param", Params), async (c) => {
  return c.json(await revokeInvite(c.get("svc"), { inviteId: c.req.valid("param").id }));
});
