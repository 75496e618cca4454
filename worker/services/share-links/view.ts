import type { ShareLinkRow } from "../../db/schema/index.js";
import type { ShareGrants } from "./grants.js";

export function shareLinkStatus(row: ShareLinkRow, now: number): "active" | "expired" | "revoked" {
  return row.revokedAt !== null ? "revoked" : row.expiresAt <= now ? "expired" : "active";
}

/** What admins see of a link; never the token or its hash. */
export function shareLinkView(row: ShareLinkRow, now: number) {
  const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
  return {
    id: row.id,
    grants: JSON.parse(row.grants) as ShareGrants,
    note: row.note,
    status: shareLinkStatus(row, now),
    createdBy: row.createdBy,
    createdAt: iso(row.createdAt)!,
    expiresAt: iso(row.expiresAt)!,
    revokedAt: iso(row.revokedAt),
    revokedBy: row.revokedBy,
    lastAccessAt: iso(row.lastAccessAt),
  };
}
