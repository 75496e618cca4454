import { eq } from "drizzle-orm";
import type { ServiceCtx } from "../../context.js";
import { invites } from "../../db/schema/index.js";
import { ApiError } from "../../errors/index.js";
import { recordAudit } from "../audit/record.js";
import { inviteView, type InviteView } from "./view.js";

/** Makes a pending link worthless. Idempotent. */
export async function revokeInvite(ctx: ServiceCtx, input: { inviteId: string }): Promise<InviteView> {
  const row = await ctx.db.first(invites, eq(invites.id, input.inviteId));
  if (!row) throw new ApiError("NOT_FOUND", "no such invite");
  if (row.revokedAt !== null || row.usedAt !== null) return inviteView(row, ctx.now());
  const now = ctx.now();
  await ctx.db.batch([ctx.db.update(invites, { revokedAt: now }, eq(invites.id, row.id)), recordAudit(ctx, { action: "invite.revoke", target: row.id })]);
  return inviteView({ ...row, revokedAt: now }, now);
}
