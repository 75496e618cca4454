import { z } from "zod";

export const SHARE_TOKEN_PREFIX = "psgl_";
export const MAX_SHARE_DAYS = 90;

/** What a link lets an auditor see: scope views and/or evidence (every artifact, or the ones named). */
export const ShareGrants = z
  .object({
    scope: z.boolean(),
    evidence: z.union([z.enum(["none", "all"]), z.array(z.string().regex(/^evd_[0-9a-f]{24}$/)).min(1).max(200)]),
  })
  .strict()
  .refine((g) => g.scope || g.evidence !== "none", { message: "a link must grant scope views, evidence, or both" });
export type ShareGrants = z.infer<typeof ShareGrants>;

export const isShareToken = (token: string) => token.startsWith(SHARE_TOKEN_PREFIX);

export function grantsEvidence(g: ShareGrants, artifactId: string): boolean {
  return g.evidence === "all" || (Array.isArray(g.evidence) && g.evidence.includes(artifactId));
}
