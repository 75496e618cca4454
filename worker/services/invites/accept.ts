import { eq } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { invites, type InviteRow } from "../../db/schema/index.js";
import { tenantDb } from "../../db/tenant-db.js";
import { ApiError } from "../../errors/index.js";
import { randomId } from "../../lib/crypto.js";
import { recordAudit } from "../audit/record.js";
import { newSession, type NewSession } from "../sessions/create.js";
import { findTenantName, findUserByEmail } from "../sessions/lookup.js";
import { hashPassword } from "../users/password.js";
import { inviteTokenHash } from "./token.js";

interface AcceptCtx {
  db: Database;
  d1: D1Database;
  now: () => number;
}

/** A pending invite by its token, or INVITE_INVALID saying why it cannot be used. */
export async function pendingInvite(ctx: Pick<AcceptCtx, "db" | "now">, token: string): Promise<InviteRow & { tenantName: string }> {
  const row = (await ctx.db.select().from(invites).where(eq(invites.tokenHash, await inviteTokenHash(token))).limit(1))[0];
  if (!row) throw new ApiError("INVITE_INVALID", "this invite link is not valid; ask for a new one");
  if (row.usedAt !== null) throw new ApiError("INVITE_INVALID", "this invite link was already used; sign in instead");
  if (row.revokedAt !== null) throw new ApiError("INVITE_INVALID", "this invite link was withdrawn; ask for a new one");
  if (row.expiresAt <= ctx.now()) throw new ApiError("INVITE_INVALID", "this invite link expired; ask for a new one");
  return { ...row, tenantName: (await findTenantName(ctx.db, row.tenantId)) ?? "" };
}

/**
 * Joins the invite's tenant: spends the invite and creates the user in one D1 transaction (the
 * user row is inserted only if this call marked the invite used), then opens a session.
 */
export async function acceptInvite(
  ctx: AcceptCtx,
  input: { token: string; name: string; email: string; password: string },
): Promise<NewSession & { userId: string; tenantId: string }> {
  const invite = await pendingInvite(ctx, input.token);
  const email = input.email.toLowerCase();
  if (invite.email !== null && invite.email !== email) throw new ApiError("INVITE_INVALID", `this invite is for ${invite.email}`);
  if (await findUserByEmail(ctx.db, email)) throw new ApiError("EMAIL_TAKEN", "an account with this e-mail address exists; sign in instead");
  const now = ctx.now();
  const userId = randomId("usr_");
  const pw = await hashPassword(input.password);
  const [spend] = await ctx.d1.batch([
    ctx.d1
      .prepare("UPDATE invites SET used_at = ?1, used_by = ?2 WHERE id = ?3 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?1")
      .bind(now, userId, invite.id),
    ctx.d1
      .prepare(
        `INSERT INTO users (id, tenant_id, email, name, role, password_hash, password_salt, password_iterations, created_at, last_login_at)
         SELECT ?1, tenant_id, ?2, ?3, role, ?4, ?5, ?6, ?7, ?7 FROM invites WHERE id = ?8 AND used_by = ?1`,
      )
      .bind(userId, email, input.name, pw.hash, pw.salt, pw.iterations, now, invite.id),
  ]);
  if ((spend?.meta.changes ?? 0) !== 1) throw new ApiError("INVITE_INVALID", "this invite link was already used; sign in instead");
  const db = tenantDb(ctx.db, invite.tenantId);
  const { statement, session } = await newSession(db, { userId, now });
  await db.batch([statement, recordAudit({ db, actor: `user:${userId}`, now: ctx.now }, { action: "invite.accept", target: invite.id, detail: { email, role: invite.role } })]);
  return { ...session, userId, tenantId: invite.tenantId };
}
