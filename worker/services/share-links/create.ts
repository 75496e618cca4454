import { inArray } from "drizzle-orm";
import type { ServiceCtx } from "../../context.js";
import { evidenceArtifacts, shareLinks } from "../../db/schema/index.js";
import { ApiError } from "../../errors/index.js";
import { randomId, randomSecret, sha256OfText } from "../../lib/crypto.js";
import { recordAudit } from "../audit/record.js";
import { MAX_SHARE_DAYS, SHARE_TOKEN_PREFIX, type ShareGrants } from "./grants.js";
import { shareLinkView } from "./view.js";

/** A new auditor link. The token (256 random bits) is returned once; only its SHA-256 is stored. */
export async function createShareLink(ctx: ServiceCtx, input: { grants: ShareGrants; expiresAt: string; note?: string | undefined }) {
  const now = ctx.now();
  const expiresAt = Date.parse(input.expiresAt);
  if (!(expiresAt > now)) throw new ApiError("INVALID_REQUEST", "expiresAt: must be in the future");
  if (expiresAt - now > MAX_SHARE_DAYS * 86_400_000) throw new ApiError("INVALID_REQUEST", `expiresAt: at most ${MAX_SHARE_DAYS} days from now`);
  if (Array.isArray(input.grants.evidence)) {
    const ids = [...new Set(input.grants.evidence)];
    const found = await ctx.db.select(evidenceArtifacts, { where: inArray(evidenceArtifacts.id, ids) });
    if (found.length !== ids.length) throw new ApiError("INVALID_REQUEST", "grants.evidence: names an artifact that does not exist");
  }
  const token = `${SHARE_TOKEN_PREFIX}${randomSecret()}`;
  const row = {
    id: randomId("shl_"),
    tokenHash: await sha256OfText(token),
    grants: JSON.stringify(input.grants),
    note: input.note ?? null,
    createdBy: ctx.actor,
    createdAt: now,
    expiresAt,
    revokedAt: null,
    revokedBy: null,
    lastAccessAt: null,
  };
  await ctx.db.batch([
    ctx.db.insert(shareLinks, row),
    recordAudit(ctx, { action: "share_link.create", target: row.id, detail: { grants: input.grants, expiresAt: input.expiresAt, note: input.note ?? null } }),
  ]);
  return { token, link: shareLinkView({ ...row, tenantId: ctx.tenantId }, now) };
}
