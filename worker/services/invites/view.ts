import type { InviteRow, UserRole } from "../../db/schema/index.js";

export interface InviteView {
  id: string;
  email: string | null;
  role: UserRole;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  status: "pending" | "used" | "expired" | "revoked";
}

export function inviteView(row: InviteRow, now: number): InviteView {
  const status = row.revokedAt !== null ? "revoked" : row.usedAt !== null ? "used" : row.expiresAt <= now ? "expired" : "pending";
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    createdBy: row.createdBy,
    createdAt: new Date(row.createdAt).toISOString(),
    expiresAt: new Date(row.expiresAt).toISOString(),
    status,
  };
}
