import { desc, eq } from "drizzle-orm";
import type { ServiceCtx } from "../../context.js";
import { shareLinkAccess, shareLinks } from "../../db/schema/index.js";
import { ApiError } from "../../errors/index.js";
import { shareLinkView } from "./view.js";

export async function listShareLinks(ctx: ServiceCtx) {
  const rows = await ctx.db.select(shareLinks, { orderBy: [desc(shareLinks.createdAt)], limit: 500 });
  return { items: rows.map((r) => shareLinkView(r, ctx.now())) };
}

/** Every request made with a link, newest first: when, what, from where. */
export async function listShareLinkAccess(ctx: ServiceCtx, input: { id: string; limit: number }) {
  const link = await ctx.db.first(shareLinks, eq(shareLinks.id, input.id));
  if (!link) throw new ApiError("NOT_FOUND", "no such share link");
  const rows = await ctx.db.select(shareLinkAccess, { where: eq(shareLinkAccess.linkId, input.id), orderBy: [desc(shareLinkAccess.at)], limit: input.limit });
  return {
    link: shareLinkView(link, ctx.now()),
    items: rows.map((r) => ({ at: new Date(r.at).toISOString(), method: r.method, path: r.path, status: r.status, ip: r.ip, country: r.country, userAgent: r.userAgent })),
  };
}
