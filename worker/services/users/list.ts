import { asc } from "drizzle-orm";
import type { ServiceCtx } from "../../context.js";
import { users } from "../../db/schema/index.js";
import { userView, type UserView } from "./view.js";

export async function listUsers(ctx: Pick<ServiceCtx, "db">): Promise<{ items: UserView[] }> {
  const rows = await ctx.db.select(users, { orderBy: [asc(users.createdAt)] });
  return { items: rows.map(userView) };
}
