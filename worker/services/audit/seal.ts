import { and, asc, desc, eq, gt, isNotNull, isNull } from "drizzle-orm";
import type { ServiceCtx } from "../../context.js";
import { auditChainEntry, type AuditChainEntry } from "../../db/schema/audit-chain.js";
import { auditLog } from "../../db/schema/index.js";
import { canonicalHash } from "../../evidence/canonical.js";

const SEAL_PAGE = 200;

/**
 * Hashes the tenant's unsealed audit rows into the chain, in seq order:
 * `hash = SHA-256(JCS(entry))` where the entry carries the previous row's hash. Idempotent
 * and safe to race: every writer computes the same values and only fills rows still unsealed.
 * Returns the chain head.
 */
export async function sealAuditChain(ctx: Pick<ServiceCtx, "db">): Promise<{ seq: number; hash: string | null }> {
  const last = (await ctx.db.select(auditLog, { where: isNotNull(auditLog.hash), orderBy: [desc(auditLog.seq)], limit: 1 }))[0];
  let head = { seq: last?.seq ?? 0, hash: last?.hash ?? null };
  for (;;) {
    const rows = await ctx.db.select(auditLog, { where: and(isNull(auditLog.hash), gt(auditLog.seq, head.seq)), orderBy: [asc(auditLog.seq)], limit: SEAL_PAGE });
    if (rows.length === 0) return head;
    const updates = [];
    for (const row of rows) {
      if (row.seq !== head.seq + 1) break; // a gap: a row being inserted right now; seal it next time
      const prevHash = head.hash;
      const hash = await canonicalHash(auditChainEntry({ ...row, prevHash }));
      updates.push(ctx.db.update(auditLog, { prevHash, hash }, and(eq(auditLog.id, row.id), isNull(auditLog.hash))));
      head = { seq: row.seq!, hash };
    }
    if (updates.length === 0) return head;
    await ctx.db.batch(updates);
    if (rows.length < SEAL_PAGE) return head;
  }
}

/** The sealed chain, oldest first, as the evidence artifact lists it. */
export async function readAuditChain(ctx: Pick<ServiceCtx, "db">, limit = 100_000): Promise<(AuditChainEntry & { hash: string })[]> {
  const rows = await ctx.db.select(auditLog, { where: isNotNull(auditLog.hash), orderBy: [asc(auditLog.seq)], limit });
  return rows.map((r) => ({ ...auditChainEntry(r), hash: r.hash! }));
}
