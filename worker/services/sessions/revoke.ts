import { eq } from "drizzle-orm";
import type { ServiceCtx } from "../../context.js";
import { sessions } from "../../db/schema/index.js";

/** Signs one browser out: its session row is deleted, so the cookie is worth nothing anywhere. */
export async function revokeSession(ctx: Pick<ServiceCtx, "db">, input: { sessionId: string }): Promise<void> {
  await ctx.db.delete(sessions, eq(sessions.id, input.sessionId)).run();
}
