import { eq } from "drizzle-orm";
import type { Database } from "./client.js";
import { apiKeys, collectors, enrollmentTokens, tenants, type ApiKeyRow, type CollectorRow, type EnrollmentTokenRow } from "./schema/index.js";

/**
 * The lookups that run before the tenant is known, each by an unguessable id or a hash of a
 * secret, and the ones that create a tenant. Everything else goes through `tenantDb`.
 */

export async function findApiKey(db: Database, id: string): Promise<ApiKeyRow | undefined> {
  return (await db.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1))[0];
}

export async function findCollector(db: Database, id: string): Promise<CollectorRow | undefined> {
  return (await db.select().from(collectors).where(eq(collectors.id, id)).limit(1))[0];
}

export async function findEnrollmentToken(db: Database, tokenHash: string): Promise<EnrollmentTokenRow | undefined> {
  return (await db.select().from(enrollmentTokens).where(eq(enrollmentTokens.tokenHash, tokenHash)).limit(1))[0];
}

export async function insertTenant(db: Database, row: { id: string; name: string; createdAt: number }): Promise<void> {
  await db.insert(tenants).values(row);
}

/**
 * Spends an enrollment token and creates its collector in one D1 transaction: the collector
 * row is inserted only if this very call marked the token used, so two racing enrollments
 * with one token can never both get an identity. Returns false if the token was not spendable.
 */
export async function spendEnrollmentToken(
  d1: D1Database,
  input: { tokenHash: string; now: number; collector: Pick<CollectorRow, "id" | "name" | "publicKey" | "version"> },
): Promise<boolean> {
  const { tokenHash, now, collector } = input;
  const [spend] = await d1.batch([
    d1
      .prepare("UPDATE enrollment_tokens SET used_at = ?1, used_by_collector = ?2 WHERE token_hash = ?3 AND used_at IS NULL AND expires_at > ?1")
      .bind(now, collector.id, tokenHash),
    d1
      .prepare(
        `INSERT INTO collectors (id, tenant_id, name, public_key, status, version, created_at, last_seq)
         SELECT ?1, tenant_id, coalesce(?2, name, ?1), ?3, 'active', ?4, ?5, 0
         FROM enrollment_tokens WHERE token_hash = ?6 AND used_by_collector = ?1`,
      )
      .bind(collector.id, collector.name || null, collector.publicKey, collector.version ?? null, now, tokenHash),
  ]);
  return (spend?.meta.changes ?? 0) === 1;
}
