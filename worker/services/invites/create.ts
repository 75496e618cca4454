import type { ServiceCtx } from "../../context.js";
import { invites, type UserRole } from "../../db/schema/index.js";
import { ApiError } from "../../errors/index.js";
import { randomId } from "../../lib/crypto.js";
import { recordAudit } from "../audit/record.js";
import { mayGrant } from "../users/view.js";
import { INVITE_TTL_MS, inviteTokenHash, mintInviteToken } from "./token.js";
import { inviteView, type InviteView } from "./view.js";

/** A one-time invite link's token (shown once) for someone to join this tenant with `role`. */
export async function createInvite(
  ctx: ServiceCtx,
  input: { actorRole: UserRole; role: UserRole; email?: string | undefined },
): Promise<InviteView & { token: string }> {
  if (!mayGrant(input.actorRole, input.role)) throw new ApiError("FORBIDDEN", "only an owner can invite another owner");
  const token = mintInviteToken();
  const now = ctx.now();
  const row = {
    id: randomId("inv_"),
    tokenHash: await inviteTokenHash(token),
    email: input.email?.toLowerCase() ?? null,
    role: input.role,
    createdBy: ctx.actor,
    createdAt: now,
    expiresAt: now + INVITE_TTL_MS,
    usedAt: null,
    usedBy: null,
    revokedAt: null,
  };
  await ctx.db.batch([ctx.db.insert(invites, row), recordAudit(ctx, { action: "invite.create", target: row.id, detail: { role: input.role, email: row.email } })]);
  return { ...inviteView({ ...row, tenantId: ctx.tenantId }, now), token };
}
