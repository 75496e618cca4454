import type { ApiKeyRole, UserRole, UserRow } from "../../db/schema/index.js";

/** What the API shows of a user: never the password hash or salt. */
export interface UserView {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  createdAt: string;
  lastLoginAt: string | null;
}

export function userView(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    createdAt: new Date(row.createdAt).toISOString(),
    lastLoginAt: row.lastLoginAt === null ? null : new Date(row.lastLoginAt).toISOString(),
  };
}

/** Owners and admins manage people; only an owner may hand out or take away "owner". */
export function mayGrant(actor: UserRole, role: UserRole): boolean {
  if (actor === "owner") return true;
  return actor === "admin" && role !== "owner";
}

/** What a user's role may do on routes guarded by API-key role: owners and admins write, the rest read. */
export function keyRoleOf(role: UserRole): ApiKeyRole {
  return role === "owner" || role === "admin" ? "admin" : "read";
}
