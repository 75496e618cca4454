import { sql } from "drizzle-orm";
import type { ServiceCtx } from "../../context.js";
import type { TenantStatement } from "../../db/tenant-db.js";
import { auditLog } from "../../db/schema/index.js";
import { randomId } from "../../lib/crypto.js";

/**
 * An audit row for a write, as a statement: put it in the same `db.batch` as the write it
 * records, so there is never a write without its audit row (or the reverse). The row takes
 * the tenant's next `seq` inside the insert itself (D1 runs statements one at a time, so two
 * writers cannot take the same one); `sealAuditChain` hashes it into the chain later.
 */
export function recordAudit(ctx: Pick<ServiceCtx, "db" | "actor" | "now">, entry: { action: string; target: string; detail?: Record<string, unknown> }): TenantStatement {
  const nextSeq = sql`(SELECT coalesce(max(seq), 0) + 1 FROM audit_log WHERE tenant_id = ${ctx.db.tenantId})`;
  return ctx.db.insert(auditLog, {
    id: randomId("aud_"),
    actor: ctx.actor,
    action: entry.action,
    target: entry.target,
    detail: JSON.stringify(entry.detail ?? {}),
    at: ctx.now(),
    seq: nextSeq as unknown as number,
  });
}
