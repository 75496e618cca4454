import type { ServiceCtx } from "../../context.js";
import { enrollmentTokens } from "../../db/schema/index.js";
import { randomId, randomSecret, sha256OfText } from "../../lib/crypto.js";
import { recordAudit } from "../audit/record.js";

export interface CreatedEnrollmentToken {
  id: string;
  /** Shown once: `psgenroll_<256 random bits>`. Only its hash is kept. */
  token: string;
  name: string | null;
  expiresAt: string;
}

export async function createEnrollmentToken(
  ctx: ServiceCtx,
  input: { ttlSeconds: number; name?: string | undefined; createdBy: string },
): Promise<CreatedEnrollmentToken> {
  const token = `psgenroll_${randomSecret()}`;
  const id = randomId("enr_");
  const now = ctx.now();
  const expiresAt = now + input.ttlSeconds * 1000;
  await ctx.db.batch([
    ctx.db.insert(enrollmentTokens, {
      id,
      tokenHash: await sha256OfText(token),
      name: input.name ?? null,
      createdBy: input.createdBy,
      createdAt: now,
      expiresAt,
    }),
    recordAudit(ctx, { action: "enrollment_token.create", target: id, detail: { name: input.name ?? null, expiresAt } }),
  ]);
  return { id, token, name: input.name ?? null, expiresAt: new Date(expiresAt).toISOString() };
}
