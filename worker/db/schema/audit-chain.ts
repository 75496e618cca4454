import type { AuditRow } from "./audit-log.js";

/**
 * What an audit row's hash covers: `hash = SHA-256(JCS(auditChainEntry(row)))`, with
 * `prevHash` the hash of the tenant's previous row (null for seq 1). The same object is what
 * the audit-log evidence artifact lists, so an assessor can recompute every link.
 */
export function auditChainEntry(row: Pick<AuditRow, "id" | "seq" | "actor" | "action" | "target" | "detail" | "at" | "prevHash">) {
  return {
    id: row.id,
    seq: row.seq,
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    action: row.action,
    target: row.target,
    detail: JSON.parse(row.detail) as unknown,
    prevHash: row.prevHash,
  };
}
export type AuditChainEntry = ReturnType<typeof auditChainEntry>;
