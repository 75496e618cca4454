import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Route, Rule } from "../../../contract/index.js";
import { tenantScope } from "../../../worker/durable-objects/tenant-scope/client.js";
import type { TenantScope } from "../../../worker/durable-objects/tenant-scope/object.js";
import { storedReasons, summary } from "../../../worker/durable-objects/tenant-scope/reads.js";
import { FLOW_EDGE_COLUMNS, flowEdgeFromRow, overrideFromRow, RESOURCE_COLUMNS, resourceFromRow, type FlowEdgeRow, type OverrideRow, type ResourceRow } from "../../../worker/durable-objects/tenant-scope/rows.js";
import { readMeta } from "../../../worker/durable-objects/tenant-scope/schema.js";
import { classify } from "../../../worker/scope/classify.js";
import { call, coverage, flowEdge, ingest, newCollector, newTenant, resource, scan, type TestCollector, type TestTenant } from "../helpers.js";

const uid = (n: string) => `arn:aws:ec2:eu-west-1:111111111111:instance/i-${n}`;
const DB = "arn:aws:rds:eu-west-1:111111111111:db:cards";
const net = (ip: string) => ({ networks: [], subnets: [], securityGroups: [], privateIps: [ip], publicIps: [] });

/** A CDE database and `boxes` plain instances 10.0.1.<k>, nothing talking yet. */
async function tenant(boxes = 20): Promise<{ t: TestTenant; c: TestCollector; seq: () => number }> {
  const t = await newTenant();
  const c = await newCollector(t);
  let next = 1;
  const seq = () => next++;
  const resources = [resource(DB, { kind: "database", name: "cards", tags: { "pci:scope": "cde" }, network: net("10.0.3.10") })];
  for (let k = 1; k <= boxes; k++) resources.push(resource(uid(`box${k}`), { name: `box-${k}`, network: net(`10.0.1.${k}`) }));
  expect((await ingest(c, scan("s1", resources, { coverage: [coverage(["instance", "database"])] }), seq())).status).toBe(200);
  return { t, c, seq };
}

const stub = (t: TestTenant) => tenantScope(env, t.tenantId);
const flows = (c: TestCollector, edges: ReturnType<typeof flowEdge>[], seq: number) => ingest(c, { kind: "flows", window: { from: 0, to: 300 }, edges }, seq);
const scopeOf = async (t: TestTenant, u: string) => (await call("GET", `/v1/resources/${encodeURIComponent(u)}`, { key: t.read })).json.decision?.scope;

/**
 * The oracle: load the graph from SQLite the plain way (no cache), run the pure classifier
 * with the stored classification time, and compare with every stored decision (shared reason
 * expanded) and with the stored summary.
 */
async function expectStoredEqualsFreshClassification(t: TestTenant): Promise<void> {
  await runInDurableObject(stub(t), (_instance: TenantScope, state) => {
    const sql = state.storage.sql;
    const now = Number(readMeta(sql, "classified_at"));
    const fresh = classify({
      resources: sql.exec<ResourceRow>(`SELECT ${RESOURCE_COLUMNS} FROM resources ORDER BY rowid`).toArray().map(resourceFromRow),
      rules: sql.exec<{ json: string }>("SELECT json FROM rules ORDER BY rowid").toArray().map((r) => JSON.parse(r.json) as Rule),
      routes: sql.exec<{ json: string }>("SELECT json FROM routes ORDER BY rowid").toArray().map((r) => JSON.parse(r.json) as Route),
      edges: sql.exec<FlowEdgeRow>(`SELECT ${FLOW_EDGE_COLUMNS} FROM flow_edges ORDER BY rowid`).toArray().map(flowEdgeFromRow),
      overrides: sql.exec<OverrideRow>("SELECT * FROM overrides ORDER BY rowid").toArray().map(overrideFromRow),
      now,
    });
    const stored = new Map(
      sql
        .exec<{ uid: string; scope: string; confidence: number; reasons: string }>("SELECT uid, scope, confidence, reasons FROM decisions")
        .toArray()
        .map((d) => [d.uid, { uid: d.uid, scope: d.scope, confidence: d.confidence, reasons: storedReasons(sql, d.reasons) }]),
    );
    expect(stored.size).toBe(fresh.size);
    for (const d of fresh.values()) expect(stored.get(d.uid)).toEqual(JSON.parse(JSON.stringify(d)));
    expect(readMeta(sql, "dirty")).toBe("0");
    expect(JSON.parse(readMeta(sql, "summary")!)).toEqual(summary(sql));
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

describe("TenantScope: the graph cached in memory", () => {
  it("a flows batch is applied to the cached graph: decisions equal a fresh classification, and a read right after the ack sees them", async () => {
    const { t, c, seq } = await tenant();
    await expectStoredEqualsFreshClassification(t);
    expect(await scopeOf(t, uid("box1"))).toBe("out_of_scope");

    expect((await flows(c, [flowEdge("10.0.1.1", "10.0.3.10", 5432), flowEdge("10.0.1.2", "10.0.1.3", 443)], seq())).status).toBe(200);
    expect(await scopeOf(t, uid("box1"))).toBe("connected");
    expect((await stub(t).stats()).lastClassification).toMatchObject({ mode: "cached", loadMs: 0 });
    await expectStoredEqualsFreshClassification(t);

    // The same edges again (counts only), and an address the collector could not map.
    expect((await flows(c, [flowEdge("10.0.1.1", "10.0.3.10", 5432, { bytes: 5 }), flowEdge("198.51.100.7", "10.0.3.10", 443, { action: "reject" })], seq())).status).toBe(200);
    await expectStoredEqualsFreshClassification(t);
    const s = (await call("GET", "/v1/scope/summary", { key: t.read })).json;
    expect(s.flows).toMatchObject({ edges: 3, accepted: 2, rejected: 1, unmapped: 1, bytes: 1000 + 1000 + 5 + 1000 });
  });

  it("overrides set and removed patch the cached graph", async () => {
    const { t, c, seq } = await tenant();
    await flows(c, [flowEdge("10.0.1.4", "10.0.1.5", 8080)], seq());
    const set = await call("POST", "/v1/overrides", { key: t.admin, body: { uid: uid("box4"), scope: "cde", justification: "Hosts the card entry page" } });
    expect(set.status).toBe(201);
    // box5 receives traffic from what is now CDE.
    expect(await scopeOf(t, uid("box5"))).toBe("connected");
    await expectStoredEqualsFreshClassification(t);
    expect((await call("DELETE", `/v1/overrides/${encodeURIComponent(uid("box4"))}`, { key: t.admin })).status).toBe(204);
    expect(await scopeOf(t, uid("box4"))).toBe("out_of_scope");
    expect(await scopeOf(t, uid("box5"))).toBe("out_of_scope");
    await expectStoredEqualsFreshClassification(t);
  });

  it("a committed scan drops the cache: removed resources lose their decision, flows seen before their resource are attributed", async () => {
    const { t, c, seq } = await tenant(3);
    await flows(c, [flowEdge("10.0.9.9", "10.0.3.10", 5432), flowEdge("10.0.1.1", "10.0.3.10", 5432)], seq());
    expect(await scopeOf(t, uid("box1"))).toBe("connected");
    // The next scan: box1 is gone, box9 (10.0.9.9, already talking to the CDE) is new.
    const next = [
      resource(DB, { kind: "database", name: "cards", tags: { "pci:scope": "cde" }, network: net("10.0.3.10") }),
      resource(uid("box2"), { network: net("10.0.1.2") }),
      resource(uid("box3"), { network: net("10.0.1.3") }),
      resource(uid("box9"), { network: net("10.0.9.9") }),
    ];
    expect((await ingest(c, scan("s2", next, { coverage: [coverage(["instance", "database"])] }), seq())).status).toBe(200);
    expect((await stub(t).stats()).lastClassification).toMatchObject({ mode: "full" });
    expect((await call("GET", `/v1/resources/${encodeURIComponent(uid("box1"))}`, { key: t.read })).status).toBe(404);
    expect(await scopeOf(t, uid("box9"))).toBe("connected");
    await expectStoredEqualsFreshClassification(t);
    // And the graph loaded after the commit is patched by later flows like any other.
    await flows(c, [flowEdge("10.0.1.2", "10.0.3.10", 5432)], seq());
    expect((await stub(t).stats()).lastClassification).toMatchObject({ mode: "incremental" });
    expect(await scopeOf(t, uid("box2"))).toBe("connected");
    await expectStoredEqualsFreshClassification(t);
  });

  it("after an eviction reads are still right, the graph reloads, and reclassifying it writes nothing", async () => {
    const { t, c, seq } = await tenant();
    await flows(c, [flowEdge("10.0.1.6", "10.0.3.10", 5432)], seq());
    const before = (await call("GET", "/v1/scope/summary", { key: t.read })).json;
    await evictDurableObject(stub(t));
    expect((await stub(t).stats()).lastClassification).toBeNull();
    expect((await call("GET", "/v1/scope/summary", { key: t.read })).json).toEqual(before);
    expect(await scopeOf(t, uid("box6"))).toBe("connected");
    await flows(c, [flowEdge("10.0.1.7", "10.0.3.10", 5432)], seq());
    expect((await stub(t).stats()).lastClassification).toMatchObject({ mode: "full", written: 1 });
    expect(await scopeOf(t, uid("box7"))).toBe("connected");
    await expectStoredEqualsFreshClassification(t);
    // A full reload of a correct cache has nothing to write.
    await evictDurableObject(stub(t));
    await runInDurableObject(stub(t), (instance: TenantScope) => {
      const timings = (instance as unknown as { classify(now: number): { mode: string; written: number } }).classify(Date.now());
      expect(timings).toMatchObject({ mode: "full", written: 0 });
    });
    await expectStoredEqualsFreshClassification(t);
  });
});

describe("TenantScope: changed-only writes", () => {
  it("a new edge to the CDE writes the one decision that changed, not every out-of-scope row", async () => {
    const { t, c, seq } = await tenant(30);
    await flows(c, [flowEdge("10.0.1.20", "10.0.1.21", 443)], seq());
    await flows(c, [flowEdge("10.0.1.8", "10.0.3.10", 5432)], seq());
    // box8 changed; the 29 other boxes keep the shared no-path reason even though the edge count in its text changed.
    expect((await stub(t).stats()).lastClassification).toMatchObject({ mode: "incremental", decisions: 31, written: 1 });
    await expectStoredEqualsFreshClassification(t);
    await runInDurableObject(stub(t), (_i: TenantScope, state) => {
      const shared = state.storage.sql.exec<{ n: number }>("SELECT count(*) AS n FROM decisions WHERE reasons = '@shared'").one().n;
      expect(shared).toBe(29);
    });
  });

  it("edges between out-of-scope resources seen again skip the classifier; the flow totals still follow", async () => {
    const { t, c, seq } = await tenant();
    await flows(c, [flowEdge("10.0.1.10", "10.0.1.11", 443), flowEdge("10.0.1.1", "10.0.3.10", 5432)], seq());
    await flows(c, [flowEdge("10.0.1.10", "10.0.1.11", 443, { bytes: 1 })], seq());
    expect((await stub(t).stats()).lastClassification).toMatchObject({ mode: "skipped", written: 0 });
    const s = (await call("GET", "/v1/scope/summary", { key: t.read })).json;
    expect(s.flows).toMatchObject({ edges: 2, bytes: 2001 });
    await expectStoredEqualsFreshClassification(t);
    // An edge that touches something in scope is never skipped.
    await flows(c, [flowEdge("10.0.1.1", "10.0.3.10", 5432, { bytes: 1 })], seq());
    expect((await stub(t).stats()).lastClassification).toMatchObject({ mode: "incremental" });
    await expectStoredEqualsFreshClassification(t);
  });
});

describe("TenantScope: incremental reclassification of flows batches", () => {
  it("random flows batches (new, repeated, unmapped, rejected, to and from the CDE) keep stored equal to a full recomputation", async () => {
    const { t, c, seq } = await tenant(25);
    let x = 0x2545f491;
    const rand = (n: number) => ((x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) | 0) >>> 0) % n;
    const ip = () => (rand(10) === 0 ? `198.51.100.${1 + rand(3)}` : rand(6) === 0 ? "10.0.3.10" : `10.0.1.${1 + rand(25)}`);
    const modes = new Set<string>();
    const seen: ReturnType<typeof flowEdge>[] = [];
    for (let b = 0; b < 8; b++) {
      const edges: ReturnType<typeof flowEdge>[] = [];
      for (let k = 0; k < 1 + rand(5); k++) {
        const again = seen.length > 0 && rand(3) === 0;
        const e = again ? { ...seen[rand(seen.length)]!, bytes: 1 + rand(100) } : flowEdge(ip(), ip(), [5432, 443, 22][rand(3)]!, { action: rand(8) === 0 ? "reject" : "accept" });
        if (e.srcIp === e.dstIp) continue;
        edges.push(e);
        seen.push(e);
      }
      if (edges.length === 0) continue;
      expect((await flows(c, edges, seq())).status).toBe(200);
      modes.add((await stub(t).stats()).lastClassification!.mode);
      await expectStoredEqualsFreshClassification(t);
    }
    expect(modes.has("incremental")).toBe(true);
  });
});
