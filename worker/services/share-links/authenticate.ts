import { eq } from "drizzle-orm";
import { openDatabase } from "../../db/client.js";
import { shareLinks, type ShareLinkRow } from "../../db/schema/index.js";
import { ApiError } from "../../errors/index.js";
import { sha256OfText } from "../../lib/crypto.js";
import { isShareToken } from "./grants.js";
import { shareLinkStatus } from "./view.js";

/**
 * Finds the link a token names. Like API keys, this runs before the tenant is known, by the
 * hash of a 256-bit secret (so it lives beside the other unscoped lookups in spirit).
 * Unknown → 404; revoked or expired → 410 with a message an auditor understands — but the
 * row is returned alongside so the attempt can still be logged for the tenant's admins.
 */
export async function findShareLink(d1: D1Database, token: string): Promise<ShareLinkRow | undefined> {
  if (!isShareToken(token) || token.length > 100) return undefined;
  const hash = await sha256OfText(token);
  return (await openDatabase(d1).select().from(shareLinks).where(eq(shareLinks.tokenHash, hash)).limit(1))[0];
}

export function assertUsable(link: ShareLinkRow | undefined, now: number): asserts link is ShareLinkRow {
  if (!link) throw new ApiError("NOT_FOUND", "this share link does not exist; ask the organisation for a new one");
  const status = shareLinkStatus(link, now);
  if (status === "revoked") throw new ApiError("SHARE_LINK_REVOKED", "this share link was revoked by the organisation; ask them for a new one");
  if (status === "expired") throw new ApiError("SHARE_LINK_EXPIRED", `this share link expired on ${new Date(link.expiresAt).toISOString()}; ask the organisation for a new one`);
}
