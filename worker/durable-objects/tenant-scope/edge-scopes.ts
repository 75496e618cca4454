import type { Scope } from "../../scope/types.js";

/**
 * Each flow edge keeps the stored scope of its two ends (`src_scope`, `dst_scope`: the
 * decision of `src_uid` / `dst_uid`, null when unmapped or undecided), so a listing filtered
 * by scope reads edges in key order without joining `decisions` per row. The CDE sides have
 * small partial indexes: "flows into (or out of) the CDE" is the dashboard's and evidence's
 * question, and those edges are ~1% of a tenant's. Kept equal to the join by everything that
 * writes decisions or edge uids: flows.ts (new and coalesced edges), inventory.ts (attribution
 * and removal at a scan commit), reclassify.ts (decisions that changed scope).
 */
export function ensureEdgeScopes(sql: SqlStorage): void {
  const has = sql.exec<{ n: number }>("SELECT count(*) AS n FROM pragma_table_info('flow_edges') WHERE name = 'src_scope'").one().n > 0;
  if (!has) {
    // An object made before the columns: add and fill them once.
    sql.exec("ALTER TABLE flow_edges ADD COLUMN src_scope TEXT");
    sql.exec("ALTER TABLE flow_edges ADD COLUMN dst_scope TEXT");
    sql.exec(
      `UPDATE flow_edges SET src_scope = (SELECT scope FROM decisions WHERE uid = flow_edges.src_uid),
         dst_scope = (SELECT scope FROM decisions WHERE uid = flow_edges.dst_uid)
       WHERE src_uid IS NOT NULL OR dst_uid IS NOT NULL`,
    );
  }
  sql.exec(`CREATE INDEX IF NOT EXISTS flow_edges_to_cde ON flow_edges (src_ip, dst_ip, dst_port, protocol, action) WHERE dst_scope = 'cde'`);
  sql.exec(`CREATE INDEX IF NOT EXISTS flow_edges_from_cde ON flow_edges (src_ip, dst_ip, dst_port, protocol, action) WHERE src_scope = 'cde'`);
}

/** A decision's scope changed (or it was removed: null): its edges follow. Inside the caller's transaction. */
export function setEndpointScope(sql: SqlStorage, uid: string, scope: Scope | null): void {
  sql.exec("UPDATE flow_edges SET src_scope = ? WHERE src_uid = ?", scope, uid);
  sql.exec("UPDATE flow_edges SET dst_scope = ? WHERE dst_uid = ?", scope, uid);
}
