import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Route, Rule } from "../../../contract/index.js";
import { tenantScope } from "../../../worker/durable-objects/tenant-scope/client.js";
import type { ClassificationTimings } from "../../../worker/durable-objects/tenant-scope/interface.js";
import type { TenantScope } from "../../../worker/durable-objects/tenant-scope/object.js";
import { FLOW_EDGE_COLUMNS, flowEdgeFromRow, overrideFromRow, RESOURCE_COLUMNS, resourceFromRow, type FlowEdgeRow, type OverrideRow, type ResourceRow } from "../../../worker/durable-objects/tenant-scope/rows.js";
import { readMeta } from "../../../worker/durable-objects/tenant-scope/schema.js";
import { StoredSnapshot } from "../../../worker/durable-objects/tenant-scope/snapshot.js";
import { classifyWithModel } from "../../../worker/scope/classify.js";
import { scanSnapshot } from "../../../worker/scope/drift.js";
import { findViolations } from "../../../worker/scope/violations.js";
import { call, flowEdge, ingest } from "../helpers.js";
import { inventory, problemFlows, scopeTenant, sendFlows, U } from "../routes/violations/scenario.js";

const byUid = <T extends { uid: string }>(xs: T[]) => [...xs].sort((a, b) => (a.uid < b.uid ? -1 : 1));

/**
 * The oracle for what the object derives from a classification: load everything from SQLite
 * the plain way, run the pure functions with the stored classification time, and compare
 * with the stored violations (those not resolved, with their content) and drift snapshot.
 */
async function expectDerivedEqualsFreshComputation(tenantId: string): Promise<void> {
  await runInDurableObject(tenantScope(env, tenantId), (_instance: TenantScope, state) => {
    const sql = state.storage.sql;
    const input = {
      resources: sql.exec<ResourceRow>(`SELECT ${RESOURCE_COLUMNS} FROM resources ORDER BY rowid`).toArray().map(resourceFromRow),
      rules: sql.exec<{ json: string }>("SELECT json FROM rules ORDER BY rowid").toArray().map((r) => JSON.parse(r.json) as Rule),
      routes: sql.exec<{ json: string }>("SELECT json FROM routes ORDER BY rowid").toArray().map((r) => JSON.parse(r.json) as Route),
      edges: sql.exec<FlowEdgeRow>(`SELECT ${FLOW_EDGE_COLUMNS} FROM flow_edges ORDER BY rowid`).toArray().map(flowEdgeFromRow),
      overrides: sql.exec<OverrideRow>("SELECT * FROM overrides ORDER BY rowid").toArray().map(overrideFromRow),
      now: Number(readMeta(sql, "classified_at")),
    };
    const { decisions, model } = classifyWithModel(input);
    const fresh = findViolations(input, decisions, model);
    const stored = sql
      .exec<{ id: string; kind: string; severity: string; summary: string; pci: string; subjects: string; evidence: string }>(
        "SELECT id, kind, severity, summary, pci, subjects, evidence FROM violations WHERE status != 'resolved' ORDER BY id",
      )
      .toArray()
      .map((v) => ({ id: v.id, kind: v.kind, severity: v.severity, summary: v.summary, pci: JSON.parse(v.pci), subjects: JSON.parse(v.subjects), evidence: JSON.parse(v.evidence) }));
    expect(stored).toEqual(JSON.parse(JSON.stringify([...fresh].sort((a, b) => (a.id < b.id ? -1 : 1)))));

    const stale = sql.exec<{ uid: string }>("SELECT uid FROM resources WHERE stale = 1").toArray().map((r) => r.uid);
    const expected = JSON.parse(JSON.stringify(scanSnapshot(input, decisions, { stale })));
    const snap = StoredSnapshot.load(sql).snapshot!;
    expect(byUid(snap.resources)).toEqual(byUid(expected.resources));
    expect(byUid(snap.decisions)).toEqual(byUid(expected.decisions));
    expect(snap.cdeControls).toEqual(expected.cdeControls);
    expect(snap.boundaryFlows).toEqual(expected.boundaryFlows);
    expect(snap.stale).toEqual(expected.stale);
    expect(readMeta(sql, "drift_scan")).toBeNull();
    // Every edge's end scopes equal the join with the stored decisions (edge-scopes.ts).
    const mismatched = sql
      .exec<{ n: number }>(
        `SELECT count(*) AS n FROM flow_edges f LEFT JOIN decisions ds ON ds.uid = f.src_uid LEFT JOIN decisions dd ON dd.uid = f.dst_uid
         WHERE f.src_scope IS NOT ds.scope OR f.dst_scope IS NOT dd.scope`,
      )
      .one().n;
    expect(mismatched).toBe(0);
  });
}

/** The rows a classification writes that carry no time: decisions, the shared reason, the drift snapshot. */
async function classificationRows(tenantId: string) {
  return runInDurableObject(tenantScope(env, tenantId), (_instance: TenantScope, state) => {
    const sql = state.storage.sql;
    return {
      decisions: sql.exec("SELECT uid, scope, confidence, reasons FROM decisions ORDER BY uid").toArray(),
      shared: readMeta(sql, "shared_reason"),
      snapshot: sql.exec("SELECT part, key, json FROM drift_snapshot ORDER BY part, key").toArray(),
    };
  });
}

describe("TenantScope: violations and drift stored with the decisions", () => {
  it("equal a fresh computation after a scan, flows, overrides, a rescan and an eviction", async () => {
    const { t, c, seq } = await scopeTenant();
    await expectDerivedEqualsFreshComputation(t.tenantId);
    await sendFlows(c, problemFlows(), seq());
    await expectDerivedEqualsFreshComputation(t.tenantId);
    expect((await call("POST", "/v1/overrides", { key: t.admin, body: { uid: U.crm, scope: "connected", justification: "Reads card tokens for refunds" } })).status).toBe(201);
    await expectDerivedEqualsFreshComputation(t.tenantId);
    const next = inventory("s2", { extra: true });
    next.resources = next.resources.filter((r) => r.uid !== U.app);
    expect((await ingest(c, next as never, seq())).status).toBe(200);
    await expectDerivedEqualsFreshComputation(t.tenantId);
    await evictDurableObject(tenantScope(env, t.tenantId));
    await sendFlows(c, [flowEdge("10.0.1.40", "10.0.3.10", 5432)], seq());
    await expectDerivedEqualsFreshComputation(t.tenantId);
  });

  it("flows batches re-derive only what they touched, equal to a fresh computation; a resolved violation still found re-opens", async () => {
    const { t, c, seq } = await scopeTenant();
    const stats = async () => (await tenantScope(env, t.tenantId).stats()).lastClassification;
    // The first flow data re-decides everything (no_path confidence); a full derivation follows.
    await sendFlows(c, [flowEdge("10.0.1.10", "10.0.1.20", 8080)], seq());
    await expectDerivedEqualsFreshComputation(t.tenantId);
    // The CRM (tagged out of scope) and an unmapped public address reach the database: two violations, two boundary flows.
    await sendFlows(c, problemFlows(), seq());
    expect(await stats()).toMatchObject({ mode: "incremental", derived: "incremental" });
    await expectDerivedEqualsFreshComputation(t.tenantId);
    const open = async () => (await call("GET", "/v1/violations?status=open", { key: t.read })).json.items as { id: string; kind: string; summary: string; statusComment: string | null }[];
    const unmapped = (await open()).find((v) => v.kind === "unmapped_ip_to_cde")!;
    expect(unmapped.summary).toContain("1 flow edge,");
    expect((await open()).map((v) => v.kind)).toContain("flow_cde_out_of_scope");
    // The same edges again: counts grow, the violation's content follows, the boundary flow's bytes too.
    await sendFlows(c, problemFlows(), seq());
    expect(await stats()).toMatchObject({ mode: "incremental", derived: "incremental" });
    await expectDerivedEqualsFreshComputation(t.tenantId);
    // A new accepted flow across the boundary is drift, recorded by the incremental derivation.
    await sendFlows(c, [flowEdge("10.0.1.10", "10.0.3.10", 5432)], seq());
    expect(await stats()).toMatchObject({ mode: "incremental", derived: "incremental" });
    await expectDerivedEqualsFreshComputation(t.tenantId);
    const drift = (await call("GET", "/v1/drift?kind=new_boundary_flow", { key: t.read })).json.items as { uid: string; after: { other: string } }[];
    expect(drift.map((e) => e.after.other)).toContain(U.app);

    // Resolved by a person while still found: the next batch (touching something else) derives in full and re-opens it.
    expect((await call("POST", `/v1/violations/${unmapped.id}/resolve`, { key: t.admin, body: { comment: "Firewalled upstream" } })).status).toBe(200);
    await sendFlows(c, [flowEdge("10.0.1.10", "10.0.3.10", 5432)], seq());
    expect(await stats()).toMatchObject({ mode: "incremental", derived: "full" });
    expect((await open()).find((v) => v.id === unmapped.id)).toMatchObject({ statusComment: "found again" });
    await expectDerivedEqualsFreshComputation(t.tenantId);
    // And back to incremental after that.
    await sendFlows(c, [flowEdge("198.51.100.8", "10.0.3.10", 5432)], seq());
    expect(await stats()).toMatchObject({ mode: "incremental", derived: "incremental" });
    await expectDerivedEqualsFreshComputation(t.tenantId);
  });

  it("a classification that changes nothing writes no violation, drift or snapshot rows", async () => {
    const { t } = await scopeTenant({ flows: true });
    await runInDurableObject(tenantScope(env, t.tenantId), (instance: TenantScope, state) => {
      const sql = state.storage.sql;
      const count = (table: string) => sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n;
      const before = { drift: count("drift_events"), events: count("violation_events"), snapshot: count("drift_snapshot") };
      const written = sql.databaseSize;
      const timings = (instance as unknown as { classify(now: number): { written: number } }).classify(Date.now());
      expect(timings.written).toBe(0);
      expect({ drift: count("drift_events"), events: count("violation_events"), snapshot: count("drift_snapshot") }).toEqual(before);
      expect(sql.databaseSize).toBe(written);
    });
  });

  it("the network model is kept between requests and dropped by a scan commit", async () => {
    const { t, c, seq } = await scopeTenant();
    const model = () => runInDurableObject(tenantScope(env, t.tenantId), (i: TenantScope) => (i as unknown as { model: object | null }).model);
    const path = () => call("GET", `/v1/paths?from=${encodeURIComponent(U.app)}&to=${encodeURIComponent(U.db)}&port=5432`, { key: t.read });
    expect((await path()).json.reachable).toBe(true);
    const first = await model();
    expect(first).not.toBeNull();
    await evictDurableObject(tenantScope(env, t.tenantId));
    expect(await model()).toBeNull();
    // Rebuilt on demand after an eviction, without a classification.
    expect((await path()).json.reachable).toBe(true);
    expect(await model()).not.toBeNull();
    expect((await ingest(c, inventory("s2") as never, seq())).status).toBe(200);
    expect((await path()).json.reachable).toBe(true);
  });

  it("a full run in a warm object (stored decisions and snapshot in memory, unchanged items skipped) stores what a cold one stores", async () => {
    const { t } = await scopeTenant({ flows: true });
    const id = t.tenantId;
    // An override moves the CRM and with it other decisions' reasons; a new justification changes
    // only its reasons' text (same scope and confidence); removing it moves them back.
    for (const change of [
      () => call("POST", "/v1/overrides", { key: t.admin, body: { uid: U.crm, scope: "connected", justification: "Reads card tokens for refunds" } }),
      () => call("POST", "/v1/overrides", { key: t.admin, body: { uid: U.crm, scope: "connected", justification: "Reads card tokens for refunds and chargebacks" } }),
      () => call("DELETE", `/v1/overrides/${encodeURIComponent(U.crm)}`, { key: t.admin }),
    ]) {
      expect((await change()).status).toBeLessThan(300);
      const warm = (await tenantScope(env, id).stats()).lastClassification!;
      expect(warm).toMatchObject({ mode: "cached", derived: "full" });
      expect(warm.written).toBeGreaterThan(0);
      const rows = await classificationRows(id);
      // The same inputs classified by a cold object, which builds and compares every text: nothing left to write.
      await evictDurableObject(tenantScope(env, id));
      const cold = await runInDurableObject(tenantScope(env, id), (instance: TenantScope, state) => {
        const now = Number(readMeta(state.storage.sql, "classified_at"));
        return (instance as unknown as { classify(now: number): ClassificationTimings }).classify(now);
      });
      expect(cold).toMatchObject({ mode: "full", derived: "full", written: 0 });
      expect(await classificationRows(id)).toEqual(rows);
      await expectDerivedEqualsFreshComputation(id);
    }
  });
});
