import { and, asc, eq, isNull } from "drizzle-orm";
import type { JWK } from "jose";
import { evidenceKeys } from "../../db/schema/index.js";
import { newEvidenceKey, unwrapSigningKey } from "../../evidence/keys.js";
import { recordAudit } from "../audit/record.js";
import { requireSecret, type EvidenceCtx } from "./ctx.js";

export interface SigningKey {
  kid: string;
  key: CryptoKey;
}

/** The tenant's active evidence key, made on first use (a racing first use loses the unique index and reads the winner's). */
export async function activeSigningKey(ctx: EvidenceCtx): Promise<SigningKey> {
  const secret = requireSecret(ctx);
  for (let attempt = 0; attempt < 3; attempt++) {
    const row = await ctx.db.first(evidenceKeys, isNull(evidenceKeys.retiredAt));
    if (row) return { kid: row.kid, key: await unwrapSigningKey(secret, ctx.tenantId, row.kid, row.privateJwkEnc) };
    const made = await newEvidenceKey(secret, ctx.tenantId);
    await ctx.db
      .insert(evidenceKeys, { kid: made.kid, publicJwk: JSON.stringify(made.publicJwk), privateJwkEnc: made.privateJwkEnc, createdAt: ctx.now() })
      .onConflictDoNothing()
      .run();
  }
  throw new Error("could not create an evidence key");
}

/** Retires the active key and makes a new one; the old public key stays in the JWKS. */
export async function rotateEvidenceKey(ctx: EvidenceCtx): Promise<{ kid: string; retired: string | null }> {
  const secret = requireSecret(ctx);
  const old = await ctx.db.first(evidenceKeys, isNull(evidenceKeys.retiredAt));
  const made = await newEvidenceKey(secret, ctx.tenantId);
  const now = ctx.now();
  await ctx.db.batch([
    ...(old ? [ctx.db.update(evidenceKeys, { retiredAt: now }, and(eq(evidenceKeys.kid, old.kid), isNull(evidenceKeys.retiredAt)))] : []),
    ctx.db.insert(evidenceKeys, { kid: made.kid, publicJwk: JSON.stringify(made.publicJwk), privateJwkEnc: made.privateJwkEnc, createdAt: now }),
    recordAudit(ctx, { action: "evidence_key.rotate", target: made.kid, detail: { retired: old?.kid ?? null } }),
  ]);
  return { kid: made.kid, retired: old?.kid ?? null };
}

/** Every public key the tenant ever signed with, oldest first (RFC 7517 JWK Set). */
export async function tenantJwks(ctx: Pick<EvidenceCtx, "db">): Promise<{ keys: (JWK & { iat: number; exp?: number })[] }> {
  const rows = await ctx.db.select(evidenceKeys, { orderBy: [asc(evidenceKeys.createdAt)] });
  return {
    keys: rows.map((r) => ({
      ...(JSON.parse(r.publicJwk) as JWK),
      // When the key was made and retired, in seconds: a verifier can reject a signature made after retirement.
      iat: Math.floor(r.createdAt / 1000),
      ...(r.retiredAt !== null ? { exp: Math.floor(r.retiredAt / 1000) } : {}),
    })),
  };
}
