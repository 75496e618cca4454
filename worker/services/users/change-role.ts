import { and, eq, ne } from "drizzle-orm";
import type { ServiceCtx } from "../../context.js";
import { users, type UserRole } from "../../db/schema/index.js";
import { ApiError } from "../../errors/index.js";
import { recordAudit } from "../audit/record.js";
import { mayGrant, userView, type UserView } from "./view.js";

/** Changes someone's role. A tenant always keeps at least one owner; nobody changes their own role. */
export async function changeRole(
  ctx: ServiceCtx,
  input: { actorId: string; actorRole: UserRole; userId: string; role: UserRole },
): Promise<UserView> {
  const target = await ctx.db.first(users, eq(users.id, input.userId));
  if (!target) throw new ApiError("NOT_FOUND", "no such user");
  if (target.id === input.actorId) throw new ApiError("FORBIDDEN", "you cannot change your own role; ask another owner");
  if (!mayGrant(input.actorRole, target.role) || !mayGrant(input.actorRole, input.role)) {
    throw new ApiError("FORBIDDEN", "only an owner can make or unmake owners");
  }
  if (target.role === "owner" && input.role !== "owner") await assertAnotherOwner(ctx, target.id);
  await ctx.db.batch([
    ctx.db.update(users, { role: input.role }, eq(users.id, target.id)),
    recordAudit(ctx, { action: "user.role", target: target.id, detail: { from: target.role, to: input.role } }),
  ]);
  return userView({ ...target, role: input.role });
}

export async function assertAnotherOwner(ctx: Pick<ServiceCtx, "db">, userId: string): Promise<void> {
  const other = await ctx.db.first(users, and(eq(users.role, "owner"), ne(users.id, userId)));
  if (!other) throw new ApiError("FORBIDDEN", "a tenant needs at least one owner; make someone else owner first");
}
