import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { openDatabase } from "../../db/client.js";
import { validate } from "../../middleware/validate.js";
import { acceptInvite, pendingInvite } from "../../services/invites/accept.js";
import { Email, Password } from "../auth/signup.js";

const Token = z.string().regex(/^psginv_[A-Za-z0-9_-]{43}$/, "not an invite token");
export const PreviewInviteRequest = z.object({ token: Token });
export const AcceptInviteRequest = z.object({ token: Token, name: z.string().trim().min(1).max(128), email: Email, password: Password });

/**
 * Public, the token is the credential. POST /v1/invites/preview tells the invitee what they
 * are joining; POST /v1/invites/accept creates their account and signs them in.
 */
export const acceptInviteRoutes = new Hono<AppEnv>()
  .post("/preview", validate("json", PreviewInviteRequest, "INVITE_INVALID"), async (c) => {
    const invite = await pendingInvite({ db: openDatabase(c.env.DB), now: () => Date.now() }, c.req.valid("json").token);
    return c.json({ tenantName: invite.tenantName, role: invite.role, email: invite.email, expiresAt: new Date(invite.expiresAt).toISOString() });
  })
  .post("/accept", validate("json", AcceptInviteRequest), async (c) => {
    const created = await acceptInvite({ db: openDatabase(c.env.DB), d1: c.env.DB, now: () => Date.now() }, c.req.valid("json"));
    return c.json(created, 201);
  });
