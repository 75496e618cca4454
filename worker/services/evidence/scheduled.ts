import { openDatabase } from "../../db/client.js";
import { tenants } from "../../db/schema/index.js";
import { makeServiceCtx } from "../../middleware/tenant.js";
import { evidenceCtx, type EvidenceEnv } from "./ctx.js";
import { generateEvidence } from "./generate.js";

/** FNV-1a of the tenant id: which hour of the day the tenant's evidence is made in. */
export function tenantHour(tenantId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < tenantId.length; i++) h = Math.imul(h ^ tenantId.charCodeAt(i), 0x01000193);
  return (h >>> 0) % 24;
}

/**
 * The hourly cron: each tenant is generated once a day, in the hour its id hashes to, so the
 * work spreads over the day instead of landing at midnight (DESIGN §9). With many thousands
 * of tenants this loop should hand each tenant to a Queue instead; docs/evidence.md says so.
 */
export async function scheduledEvidence(env: EvidenceEnv, at: number): Promise<{ generated: string[]; failed: string[] }> {
  const hour = new Date(at).getUTCHours();
  const all = await openDatabase(env.DB).select({ id: tenants.id }).from(tenants);
  const generated: string[] = [];
  const failed: string[] = [];
  for (const { id } of all) {
    if (tenantHour(id) !== hour) continue;
    const ctx = evidenceCtx(makeServiceCtx(env, id, "system:cron"), env);
    try {
      const summary = await ctx.scope.summary();
      if (summary.resources.total === 0) continue;
      await generateEvidence(ctx);
      generated.push(id);
    } catch (err) {
      failed.push(id);
      console.error(JSON.stringify({ level: "error", msg: "scheduled evidence failed", tenantId: id, error: String(err) }));
    }
  }
  return { generated, failed };
}
