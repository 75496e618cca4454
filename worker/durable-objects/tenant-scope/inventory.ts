import type { Coverage, InventoryBatch, Resource, Route, Rule } from "../../../contract/index.js";
import type { ScanCommit, ScanProgress } from "./interface.js";
import { ipRank, searchText } from "./rows.js";

type StageResult = { ok: true; progress: ScanProgress; commit?: ScanCommit } | { ok: false; message: string };

/**
 * Stages one part of an inventory scan and, when it was the last missing part, commits the
 * whole scan. Runs inside the caller's transaction: a crash leaves either nothing or the
 * part (and, if it completed the scan, the commit) applied.
 */
export function stageInventoryPart(sql: SqlStorage, collectorId: string, batch: InventoryBatch, now: number): StageResult {
  const key = [collectorId, batch.scanId] as const;
  const scan = sql
    .exec<{ parts: number; status: string }>("SELECT parts, status FROM scans WHERE collector_id = ? AND scan_id = ?", ...key)
    .toArray()[0];

  if (scan?.status === "committed") {
    // A late copy of a part of a scan that is already whole: nothing to do.
    return { ok: true, progress: { scanId: batch.scanId, received: scan.parts, parts: scan.parts, committed: true } };
  }
  if (scan && scan.parts !== batch.parts) {
    return { ok: false, message: `scan ${batch.scanId} was announced with ${scan.parts} parts, this part says ${batch.parts}` };
  }
  if (!scan) {
    abandonOlderScans(sql, collectorId, batch.scanId);
    sql.exec(
      "INSERT INTO scans (collector_id, scan_id, parts, received, status, started_at) VALUES (?, ?, ?, 0, 'staging', ?)",
      ...key,
      batch.parts,
      now,
    );
  }

  sql.exec("INSERT OR IGNORE INTO scan_parts (collector_id, scan_id, part) VALUES (?, ?, ?)", ...key, batch.part);
  for (const r of batch.resources) {
    sql.exec("INSERT OR REPLACE INTO staged_resources (collector_id, scan_id, uid, json) VALUES (?, ?, ?, ?)", ...key, r.uid, JSON.stringify(r));
  }
  for (const r of batch.rules) {
    sql.exec("INSERT OR REPLACE INTO staged_rules (collector_id, scan_id, id, json) VALUES (?, ?, ?, ?)", ...key, r.id, JSON.stringify(r));
  }
  for (const r of batch.routes) {
    sql.exec("INSERT OR REPLACE INTO staged_routes (collector_id, scan_id, id, json) VALUES (?, ?, ?, ?)", ...key, r.id, JSON.stringify(r));
  }
  batch.coverage.forEach((c, idx) => {
    sql.exec(
      "INSERT OR REPLACE INTO staged_coverage (collector_id, scan_id, part, idx, json) VALUES (?, ?, ?, ?, ?)",
      ...key,
      batch.part,
      idx,
      JSON.stringify(c),
    );
  });

  const received = sql.exec<{ n: number }>("SELECT count(*) AS n FROM scan_parts WHERE collector_id = ? AND scan_id = ?", ...key).one().n;
  sql.exec("UPDATE scans SET received = ? WHERE collector_id = ? AND scan_id = ?", received, ...key);
  const progress: ScanProgress = { scanId: batch.scanId, received, parts: batch.parts, committed: false };
  if (received < batch.parts) return { ok: true, progress };

  const commit = commitScan(sql, collectorId, batch.scanId, now);
  return { ok: true, progress: { ...progress, committed: true }, commit };
}

/** A collector runs one scan at a time: a new scan id means older unfinished ones are dead. */
function abandonOlderScans(sql: SqlStorage, collectorId: string, scanId: string): void {
  const stale = sql
    .exec<{ scan_id: string }>("SELECT scan_id FROM scans WHERE collector_id = ? AND status = 'staging' AND scan_id != ?", collectorId, scanId)
    .toArray();
  for (const { scan_id } of stale) {
    deleteStaging(sql, collectorId, scan_id);
    sql.exec("UPDATE scans SET status = 'abandoned' WHERE collector_id = ? AND scan_id = ?", collectorId, scan_id);
  }
}

function deleteStaging(sql: SqlStorage, collectorId: string, scanId: string): void {
  for (const table of ["scan_parts", "staged_resources", "staged_rules", "staged_routes", "staged_coverage"]) {
    sql.exec(`DELETE FROM ${table} WHERE collector_id = ? AND scan_id = ?`, collectorId, scanId);
  }
}

function commitScan(sql: SqlStorage, collectorId: string, scanId: string, now: number): ScanCommit {
  const key = [collectorId, scanId] as const;
  // Resources remember which scan last saw them; "absent from this scan" is scan_id != this one.
  const scanKey = `${collectorId}/${scanId}`;
  const staged = <T>(table: string): T[] =>
    sql
      .exec<{ json: string }>(`SELECT json FROM ${table} WHERE collector_id = ? AND scan_id = ?`, ...key)
      .toArray()
      .map((row) => JSON.parse(row.json) as T);

  const resources = staged<Resource>("staged_resources");
  for (const r of resources) upsertResource(sql, r, scanKey, now);

  const { removed, markedStale } = applyCoverage(sql, staged<Coverage>("staged_coverage"), scanKey);

  const rules = staged<Rule>("staged_rules");
  const ruleOwners = new Set([...resources.map((r) => r.uid), ...rules.map((r) => r.ownerUid)]);
  for (const owner of ruleOwners) sql.exec("DELETE FROM rules WHERE owner_uid = ?", owner);
  for (const r of rules) sql.exec("INSERT OR REPLACE INTO rules (id, owner_uid, json) VALUES (?, ?, ?)", r.id, r.ownerUid, JSON.stringify(r));

  const routes = staged<Route>("staged_routes");
  const routeTables = new Set([...resources.map((r) => r.uid), ...routes.map((r) => r.tableUid)]);
  for (const table of routeTables) sql.exec("DELETE FROM routes WHERE table_uid = ?", table);
  for (const r of routes) sql.exec("INSERT OR REPLACE INTO routes (id, table_uid, json) VALUES (?, ?, ?)", r.id, r.tableUid, JSON.stringify(r));

  // Flows seen before their resources were known get attributed now.
  // Their end's scope comes with the uid (edge-scopes.ts): the resource may have a decision already.
  for (const side of ["src", "dst"] as const) {
    const owner = `(SELECT uid FROM ip_index WHERE ip = flow_edges.${side}_ip ORDER BY rank, uid LIMIT 1)`;
    sql.exec(`UPDATE flow_edges SET ${side}_uid = ${owner}, ${side}_scope = (SELECT scope FROM decisions WHERE uid = ${owner}) WHERE ${side}_uid IS NULL`);
  }

  deleteStaging(sql, collectorId, scanId);
  sql.exec("UPDATE scans SET status = 'committed', committed_at = ? WHERE collector_id = ? AND scan_id = ?", now, ...key);
  return { upserted: resources.length, removed, markedStale };
}

function upsertResource(sql: SqlStorage, r: Resource, scanKey: string, now: number): void {
  sql.exec(
    `INSERT INTO resources (uid, provider, account, region, kind, name, tags, network, attributes, parent, stale, first_seen, last_seen, scan_id, search)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)
     ON CONFLICT (uid) DO UPDATE SET provider = excluded.provider, account = excluded.account, region = excluded.region,
       kind = excluded.kind, name = excluded.name, tags = excluded.tags, network = excluded.network,
       attributes = excluded.attributes, parent = excluded.parent, stale = 0, last_seen = excluded.last_seen,
       scan_id = excluded.scan_id, search = excluded.search`,
    r.uid,
    r.provider,
    r.account,
    r.region,
    r.kind,
    r.name,
    JSON.stringify(r.tags),
    JSON.stringify(r.network),
    JSON.stringify(r.attributes),
    r.parent ?? null,
    now,
    now,
    scanKey,
    searchText(r),
  );
  sql.exec("DELETE FROM ip_index WHERE uid = ?", r.uid);
  const rank = ipRank(r.kind);
  for (const ip of new Set([...r.network.privateIps, ...r.network.publicIps])) {
    sql.exec("INSERT OR IGNORE INTO ip_index (ip, uid, rank) VALUES (?, ?, ?)", ip, r.uid, rank);
  }
}

/**
 * Resources the scan did not see are removed only where the scan says it looked and the
 * look succeeded (`ok`). Where it was skipped or partial they are kept and marked stale:
 * a denied API call must never look like "everything was deleted".
 */
function applyCoverage(sql: SqlStorage, coverage: Coverage[], scanKey: string): { removed: number; markedStale: number } {
  const tuple = (c: Coverage, kind: string) => `${c.provider}\u0000${c.account}\u0000${c.region}\u0000${kind}`;
  const notOk = new Set(coverage.filter((c) => c.status !== "ok").flatMap((c) => c.kinds.map((k) => tuple(c, k))));
  const where = "provider = ? AND account = ? AND region = ? AND kind = ? AND scan_id != ?";
  let removed = 0;
  let markedStale = 0;
  const done = new Set<string>();
  for (const c of coverage) {
    for (const kind of c.kinds) {
      const t = tuple(c, kind);
      const args = [c.provider, c.account, c.region, kind, scanKey];
      if (notOk.has(t)) {
        if (done.has(`stale${t}`)) continue;
        done.add(`stale${t}`);
        markedStale += sql.exec<{ n: number }>(`SELECT count(*) AS n FROM resources WHERE ${where} AND stale = 0`, ...args).one().n;
        sql.exec(`UPDATE resources SET stale = 1 WHERE ${where} AND stale = 0`, ...args);
        continue;
      }
      if (done.has(t)) continue;
      done.add(t);
      const gone = sql.exec<{ uid: string }>(`SELECT uid FROM resources WHERE ${where}`, ...args).toArray();
      for (const { uid } of gone) removeResource(sql, uid);
      removed += gone.length;
    }
  }
  return { removed, markedStale };
}

function removeResource(sql: SqlStorage, uid: string): void {
  sql.exec("DELETE FROM resources WHERE uid = ?", uid);
  sql.exec("DELETE FROM ip_index WHERE uid = ?", uid);
  sql.exec("DELETE FROM decisions WHERE uid = ?", uid);
  sql.exec("DELETE FROM rules WHERE owner_uid = ?", uid);
  sql.exec("DELETE FROM routes WHERE table_uid = ?", uid);
  // Its flows stay (they happened) but no longer point at a resource that is gone.
  sql.exec("UPDATE flow_edges SET src_uid = NULL, src_scope = NULL WHERE src_uid = ?", uid);
  sql.exec("UPDATE flow_edges SET dst_uid = NULL, dst_scope = NULL WHERE dst_uid = ?", uid);
}
