import type { Route, Rule } from "../../../contract/index.js";
import type { ClassificationTimings } from "./interface.js";
import { classify } from "../../scope/classify.js";
import { summary } from "./reads.js";
import { FLOW_EDGE_COLUMNS, flowEdgeFromRow, overrideFromRow, RESOURCE_COLUMNS, resourceFromRow, type FlowEdgeRow, type OverrideRow, type ResourceRow } from "./rows.js";
import { writeMeta } from "./schema.js";

/**
 * Loads the tenant graph, runs the pure classifier over it and replaces the stored decisions
 * in one transaction, so readers see either the old or the new classification, never a mix.
 */
export function reclassify(storage: DurableObjectStorage, now: number): ClassificationTimings {
  const sql = storage.sql;
  const t0 = Date.now();
  const resources = sql.exec<ResourceRow>(`SELECT ${RESOURCE_COLUMNS} FROM resources`).toArray().map(resourceFromRow);
  const rules = sql.exec<{ json: string }>("SELECT json FROM rules").toArray().map((r) => JSON.parse(r.json) as Rule);
  const routes = sql.exec<{ json: string }>("SELECT json FROM routes").toArray().map((r) => JSON.parse(r.json) as Route);
  const edges = sql.exec<FlowEdgeRow>(`SELECT ${FLOW_EDGE_COLUMNS} FROM flow_edges`).toArray().map(flowEdgeFromRow);
  const overrides = sql.exec<OverrideRow>("SELECT * FROM overrides").toArray().map(overrideFromRow);

  const t1 = Date.now();
  const decisions = classify({ resources, rules, routes, edges, overrides, now });

  const t2 = Date.now();
  storage.transactionSync(() => {
    sql.exec("DELETE FROM decisions");
    for (const d of decisions.values()) {
      sql.exec("INSERT OR REPLACE INTO decisions (uid, scope, confidence, reasons) VALUES (?, ?, ?, ?)", d.uid, d.scope, d.confidence, JSON.stringify(d.reasons));
    }
    writeMeta(sql, "classified_at", String(now));
    writeMeta(sql, "dirty", "0");
    // Everything the summary counts changes only through here (scan commits, flows and
    // overrides all reclassify), so the dashboard's most frequent query reads one row.
    writeMeta(sql, "summary", JSON.stringify(summary(sql)));
  });
  const t3 = Date.now();
  return { at: now, mode: "full", loadMs: t1 - t0, classifyMs: t2 - t1, writeMs: t3 - t2, totalMs: t3 - t0, decisions: decisions.size, written: decisions.size };
}
