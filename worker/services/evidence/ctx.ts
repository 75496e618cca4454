import { eq } from "drizzle-orm";
import type { ServiceCtx } from "../../context.js";
import { openDatabase } from "../../db/client.js";
import { tenants } from "../../db/schema/index.js";
import { ApiError } from "../../errors/index.js";

/** What evidence services need on top of the usual ctx: the blob store and the key-wrapping secret. */
export interface EvidenceCtx extends ServiceCtx {
  blobs: R2Bucket;
  /** EVIDENCE_KEY_SECRET; empty when unset (then signing answers 503). */
  evidenceSecret: string;
  tenantName: () => Promise<string>;
}

export type EvidenceEnv = Env & { EVIDENCE_KEY_SECRET?: string };

export function evidenceCtx(svc: ServiceCtx, env: EvidenceEnv): EvidenceCtx {
  let name: Promise<string> | undefined;
  return {
    ...svc,
    blobs: env.BLOBS,
    evidenceSecret: env.EVIDENCE_KEY_SECRET ?? "",
    tenantName: () =>
      (name ??= openDatabase(env.DB)
        .select({ name: tenants.name })
        .from(tenants)
        .where(eq(tenants.id, svc.tenantId))
        .limit(1)
        .then((rows) => rows[0]?.name ?? svc.tenantId)),
  };
}

export function requireSecret(ctx: EvidenceCtx): string {
  if (!ctx.evidenceSecret) throw new ApiError("UNAVAILABLE", "evidence signing is not configured on this deployment (EVIDENCE_KEY_SECRET is unset)");
  return ctx.evidenceSecret;
}
