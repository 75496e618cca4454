import type { EnrollRequest, EnrollResponse } from "../../../contract/index.js";
import { fromBase64Url } from "../../../contract/index.js";
import type { Database } from "../../db/client.js";
import { tenantDb } from "../../db/tenant-db.js";
import { findEnrollmentToken, spendEnrollmentToken } from "../../db/unscoped.js";
import { ApiError } from "../../errors/index.js";
import { randomId, sha256OfText } from "../../lib/crypto.js";
import { recordAudit } from "../audit/record.js";

/**
 * A collector trades a one-time enrollment token and its Ed25519 public key for an identity.
 * Runs before any tenant is known: the token (by its hash) names the tenant.
 */
export async function enrollCollector(ctx: { db: Database; d1: D1Database; now: () => number }, input: EnrollRequest): Promise<EnrollResponse> {
  if (fromBase64Url(input.publicKey).byteLength !== 32) throw new ApiError("INVALID_REQUEST", "publicKey: must be a 32-byte Ed25519 public key");
  const tokenHash = await sha256OfText(input.token);
  const now = ctx.now();
  const token = await findEnrollmentToken(ctx.db, tokenHash);
  if (!token) throw new ApiError("ENROLLMENT_TOKEN_INVALID", "enrollment token is not valid");
  if (token.usedAt !== null) throw new ApiError("ENROLLMENT_TOKEN_USED", "enrollment token was already used; ask an admin for a new one");
  if (token.expiresAt <= now) throw new ApiError("ENROLLMENT_TOKEN_EXPIRED", "enrollment token has expired; ask an admin for a new one");

  const collectorId = randomId("col_");
  const spent = await spendEnrollmentToken(ctx.d1, {
    tokenHash,
    now,
    collector: { id: collectorId, name: input.name ?? "", publicKey: input.publicKey, version: input.version ?? null },
  });
  if (!spent) {
    // Lost a race with another enrollment, or expired in between.
    const again = await findEnrollmentToken(ctx.db, tokenHash);
    if (again && again.usedAt !== null) throw new ApiError("ENROLLMENT_TOKEN_USED", "enrollment token was already used; ask an admin for a new one");
    throw new ApiError("ENROLLMENT_TOKEN_EXPIRED", "enrollment token has expired; ask an admin for a new one");
  }
  const db = tenantDb(ctx.db, token.tenantId);
  await recordAudit(
    { db, actor: `collector:${collectorId}`, now: ctx.now },
    { action: "collector.enroll", target: collectorId, detail: { enrollmentTokenId: token.id, name: input.name ?? token.name, version: input.version ?? null } },
  ).run();
  return { collectorId, tenantId: token.tenantId, nextSeq: 1 };
}
