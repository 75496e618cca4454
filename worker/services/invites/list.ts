import { desc } from "drizzle-orm";
import type { ServiceCtx } from "../../context.js";
import { invites } from "../../db/schema/index.js";
import { inviteView, type InviteView } from "./view.js";

export async function listInvites(ctx: Pick<ServiceCtx, "db" | "now">): Promise<{ items: InviteView[] }> {
  const rows = await ctx.db.select(invites, { orderBy: [desc(invites.createdAt)], limit: 200 });
  return { items: rows.map((r) => inviteView(r, ctx.now())) };
}
