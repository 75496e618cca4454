import { and, eq, isNull } from "drizzle-orm";
import type { ServiceCtx } from "../../context.js";
import { shareLinks } from "../../db/schema/index.js";
import { ApiError } from "../../errors/index.js";
import { recordAudit } from "../audit/record.js";
import { shareLinkView } from "./view.js";

/** Revokes at once; revoking an already revoked link is a no-op that returns it. */
export async function revokeShareLink(ctx: ServiceCtx, id: string) {
  const link = await ctx.db.first(shareLinks, eq(shareLinks.id, id));
  if (!link) throw new ApiError("NOT_FOUND", "no such share link");
  if (link.revokedAt !== null) return shareLinkView(link, ctx.now());
  const now = ctx.now();
  await ctx.db.batch([
    ctx.db.update(shareLinks, { revokedAt: now, revokedBy: ctx.actor }, and(eq(shareLinks.id, id), isNull(shareLinks.revokedAt))),
    recordAudit(ctx, { action: "share_link.revoke", target: id }),
  ]);
  return shareLinkView({ ...link, revokedAt: now, revokedBy: ctx.actor }, now);
}
