import { eq } from "drizzle-orm";
import type { ServiceCtx } from "../../context.js";
import { sessions, users, type UserRole } from "../../db/schema/index.js";
import { ApiError } from "../../errors/index.js";
import { findTenantName } from "./lookup.js";
import { keyRoleOf, userView, type UserView } from "../users/view.js";

export interface CurrentSession {
  user: UserView;
  tenant: { id: string; name: string };
  session: { expiresAt: string };
  /** What the role may do, so the web app shows only what will work (the API still decides). */
  can: { write: boolean; manageUsers: boolean; grantOwner: boolean };
}

export function capabilities(role: UserRole): CurrentSession["can"] {
  return { write: keyRoleOf(role) === "admin", manageUsers: role === "owner" || role === "admin", grantOwner: role === "owner" };
}

/** Who is signed in with this session, and where. */
export async function currentSession(ctx: ServiceCtx & { rawDb: Parameters<typeof findTenantName>[0] }, input: { userId: string; sessionId: string }): Promise<CurrentSession> {
  const user = await ctx.db.first(users, eq(users.id, input.userId));
  const session = await ctx.db.first(sessions, eq(sessions.id, input.sessionId));
  if (!user || !session) throw new ApiError("UNAUTHENTICATED", "your session expired or was signed out; sign in again");
  return {
    user: userView(user),
    tenant: { id: ctx.tenantId, name: (await findTenantName(ctx.rawDb, ctx.tenantId)) ?? "" },
    session: { expiresAt: new Date(session.expiresAt).toISOString() },
    can: capabilities(user.role),
  };
}
