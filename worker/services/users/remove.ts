import { eq } from "drizzle-orm";
import type { ServiceCtx } from "../../context.js";
import { sessions, users, type UserRole } from "../../db/schema/index.js";
import { ApiError } from "../../errors/index.js";
import { recordAudit } from "../audit/record.js";
import { assertAnotherOwner } from "./change-role.js";
import { mayGrant } from "./view.js";

/** Removes a user and signs out every browser of theirs, in one transaction. */
export async function removeUser(ctx: ServiceCtx, input: { actorId: string; actorRole: UserRole; userId: string }): Promise<void> {
  const target = await ctx.db.first(users, eq(users.id, input.userId));
  if (!target) throw new ApiError("NOT_FOUND", "no such user");
  if (target.id === input.actorId) throw new ApiError("FORBIDDEN", "you cannot remove yourself; ask another owner");
  if (!mayGrant(input.actorRole, target.role)) throw new ApiError("FORBIDDEN", "only an owner can remove an owner");
  if (target.role === "owner") await assertAnotherOwner(ctx, target.id);
  await ctx.db.batch([
    ctx.db.delete(sessions, eq(sessions.userId, target.id)),
    ctx.db.delete(users, eq(users.id, target.id)),
    recordAudit(ctx, { action: "user.remove", target: target.id, detail: { email: target.email, role: target.role } }),
  ]);
}
