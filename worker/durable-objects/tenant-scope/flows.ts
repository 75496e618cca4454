import type { FlowsBatch } from "../../../contract/index.js";
import type { MergedEdgeRow } from "./graph.js";

/**
 * Merges a batch of summarized flows into the edge table: the same (src, dst, port,
 * protocol, action) seen again adds its counts and widens its time window. Addresses the
 * collector could not map are looked up in the IP index. Runs inside the caller's transaction.
 * Returns each edge's row as the upsert left it, so the in-memory graph can follow exactly.
 */
export function mergeFlows(sql: SqlStorage, batch: FlowsBatch): MergedEdgeRow[] {
  const lookup = new Map<string, string | null>();
  const uidOf = (ip: string): string | null => {
    let uid = lookup.get(ip);
    if (uid === undefined) {
      uid = sql.exec<{ uid: string }>("SELECT uid FROM ip_index WHERE ip = ? ORDER BY rank, uid LIMIT 1", ip).toArray()[0]?.uid ?? null;
      lookup.set(ip, uid);
    }
    return uid;
  };
  const scopes = new Map<string, string | null>();
  const scopeOf = (uid: string | null): string | null => {
    if (uid === null) return null;
    let scope = scopes.get(uid);
    if (scope === undefined) {
      scope = sql.exec<{ scope: string }>("SELECT scope FROM decisions WHERE uid = ?", uid).toArray()[0]?.scope ?? null;
      scopes.set(uid, scope);
    }
    return scope;
  };
  const rows: MergedEdgeRow[] = [];
  for (const e of batch.edges) {
    const srcUid = e.srcUid ?? uidOf(e.srcIp);
    const dstUid = e.dstUid ?? uidOf(e.dstIp);
    const row = sql
      .exec<MergedEdgeRow>(
        `INSERT INTO flow_edges (src_ip, dst_ip, dst_port, protocol, action, packets, bytes, flows, first_seen, last_seen, src_uid, dst_uid, src_scope, dst_scope)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (src_ip, dst_ip, dst_port, protocol, action) DO UPDATE SET
           packets = packets + excluded.packets, bytes = bytes + excluded.bytes, flows = flows + excluded.flows,
           first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
           src_scope = CASE WHEN excluded.src_uid IS NULL THEN src_scope ELSE excluded.src_scope END,
           dst_scope = CASE WHEN excluded.dst_uid IS NULL THEN dst_scope ELSE excluded.dst_scope END,
           src_uid = coalesce(excluded.src_uid, src_uid), dst_uid = coalesce(excluded.dst_uid, dst_uid)
         RETURNING rowid, src_ip, dst_ip, dst_port, protocol, action, packets, bytes, flows, first_seen, last_seen, src_uid, dst_uid`,
        e.srcIp,
        e.dstIp,
        e.dstPort,
        e.protocol,
        e.action,
        e.packets,
        e.bytes,
        e.flows,
        e.firstSeen,
        e.lastSeen,
        srcUid,
        dstUid,
        scopeOf(srcUid),
        scopeOf(dstUid),
      )
      .one();
    rows.push(row);
  }
  return rows;
}
