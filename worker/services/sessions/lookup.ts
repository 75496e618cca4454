import { and, eq, gt } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { sessions, tenants, users, type SessionRow, type UserRow } from "../../db/schema/index.js";

/**
 * The account lookups that run before the tenant is known — each by a hash of a secret or by
 * the unique e-mail address — beside `db/unscoped.ts`'s. Everything after goes through `tenantDb`.
 */

export async function findUserByEmail(db: Database, email: string): Promise<UserRow | undefined> {
  return (await db.select().from(users).where(eq(users.email, email)).limit(1))[0];
}

export async function findLiveSession(
  db: Database,
  id: string,
  now: number,
): Promise<{ session: SessionRow; user: UserRow; tenantName: string } | undefined> {
  const rows = await db
    .select({ session: sessions, user: users, tenantName: tenants.name })
    .from(sessions)
    .innerJoin(users, and(eq(users.id, sessions.userId), eq(users.tenantId, sessions.tenantId)))
    .innerJoin(tenants, eq(tenants.id, sessions.tenantId))
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, now)))
    .limit(1);
  return rows[0];
}

export async function findTenantName(db: Database, tenantId: string): Promise<string | undefined> {
  return (await db.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, tenantId)).limit(1))[0]?.name;
}
