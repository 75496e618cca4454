import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { boundaryMap, computeBoundaryMap } from "../../../../worker/durable-objects/tenant-scope/boundary-map.js";
import { tenantScope } from "../../../../worker/durable-objects/tenant-scope/client.js";
import type { TenantScope } from "../../../../worker/durable-objects/tenant-scope/object.js";
import { ARN, seededTenant } from "../../fixtures.js";
import { call, coverage, expectError, flowEdge, ingest, newCollector, newTenant, resource, scan, type Json } from "../../helpers.js";

type Node = { id: string; group: string; label: string; uid?: string; count?: number; drill?: { scope: string; account?: string; network?: string } };
type Edge = { source: string; target: string; ports: string[]; bytes: number; flows: number; crossesCde: boolean };

const net = (ip: string, vpc: string) => ({ networks: [vpc], subnets: [], securityGroups: [], privateIps: [ip], publicIps: [] });
const DB = "arn:aws:rds:eu-west-1:111111111111:db:vault";

/** A card database and 24 app servers talking to it: 2 accounts × 2 networks × 6 servers, 100 bytes each. */
async function appFleetTenant() {
  const t = await newTenant();
  const c = await newCollector(t);
  const apps = [];
  for (let i = 0; i < 24; i++) {
    const account = i % 2 === 0 ? "111111111111" : "222222222222";
    apps.push(resource(`arn:aws:ec2:eu-west-1:${account}:instance/i-app${i}`, { account, name: `app-${i}`, network: net(`10.1.${i % 4}.${10 + i}`, `vpc-${Math.floor(i / 2) % 2}`) }));
  }
  const db = resource(DB, { kind: "database", name: "vault", tags: { "pci:scope": "cde" }, network: net("10.0.3.10", "vpc-cde") });
  await ingest(c, scan("s1", [db, ...apps], { coverage: [coverage(["instance", "database"]), coverage(["instance"], "ok", { account: "222222222222" })] }), 1);
  await ingest(c, { kind: "flows", window: { from: 0, to: 300 }, edges: [...apps.map((a) => flowEdge(a.network!.privateIps![0]!, "10.0.3.10", 5432, { bytes: 100, flows: 1 })), flowEdge("198.51.100.7", "10.0.3.10", 443, { bytes: 5, flows: 1 })] }, 2);
  // Wait for the classification that follows the flows.
  for (let i = 0; i < 100; i++) {
    const s = (await call("GET", "/v1/scope/summary", { key: t.read })).json;
    if ((s.resources.byScope.connected ?? 0) === 24) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return t;
}

const get = async (key: string, q = "") => {
  const res = await call("GET", `/v1/scope/map${q}`, { key });
  expect(res.status).toBe(200);
  return res.json as { nodes: Node[]; edges: Edge[]; shown: number; folded: number; levels: Record<string, string> };
};

describe("GET /v1/scope/map", () => {
  it("draws a small tenant resource by resource, with the accepted flows that touch an in-scope resource", async () => {
    const t = await seededTenant();
    const m = await get(t.read);
    expect(m.folded).toBe(0);
    const ids = m.nodes.map((n) => n.id);
    expect(ids).toEqual(expect.arrayContaining([ARN.db, ARN.pay, ARN.web, ARN.other]));
    expect(ids).not.toContain(ARN.sg); // plumbing, unless asked for
    expect((await get(t.read, "?plumbing=1")).nodes.map((n) => n.id)).toContain(ARN.sg);
    const payToDb = m.edges.find((e) => e.source === ARN.pay && e.target === ARN.db)!;
    expect(payToDb).toMatchObject({ ports: ["5432/tcp"], bytes: 9000 });
    // The rejected port-22 flow is not drawn; the accepted 443 one is.
    expect(m.edges.find((e) => e.source === ARN.web && e.target === ARN.pay)).toMatchObject({ ports: ["443/tcp"], bytes: 4000 });
    expect(m.nodes.find((n) => n.id === ARN.db)).toMatchObject({ group: "cde", label: "cards", uid: ARN.db });
  });

  it("folds to stay within maxNodes (CDE first, finest level that fits) and sums the flows; a folded box's drill filter opens it", async () => {
    const t = await appFleetTenant();
    const all = await get(t.read);
    expect(all.levels).toMatchObject({ cde: "resource", connected: "resource" });
    expect(all.nodes.filter((n) => n.group === "connected")).toHaveLength(24);

    const small = await get(t.read, "?maxNodes=10");
    expect(small.nodes.length).toBeLessThanOrEqual(10);
    expect(small.levels).toMatchObject({ cde: "resource", connected: "network" });
    const boxes = small.nodes.filter((n) => n.group === "connected");
    expect(boxes).toHaveLength(4);
    expect(boxes.every((b) => b.count === 6 && b.label === "6 resources")).toBe(true);
    expect(small.edges.filter((e) => e.target === DB && e.source.startsWith("g:connected:")).map((e) => e.bytes)).toEqual([600, 600, 600, 600]);
    expect(small.edges.find((e) => e.source === "ext:internet")).toMatchObject({ target: DB, bytes: 5, ports: ["443/tcp"], crossesCde: true });
    expect(small).toMatchObject({ shown: 1, folded: 24 });

    const box = boxes.find((b) => b.drill?.account === "222222222222" && b.drill.network === "vpc-1")!;
    expect(box.drill).toEqual({ scope: "connected", account: "222222222222", network: "vpc-1" });
    const opened = await get(t.read, `?scope=connected&account=222222222222&network=vpc-1`);
    expect(opened.folded).toBe(0);
    expect(opened.nodes.map((n) => n.label).sort()).toEqual(["app-11", "app-15", "app-19", "app-23", "app-3", "app-7"].sort());
    // The CDE is filtered out here, so their flows (all to the CDE) are not drawn.
    expect(opened.edges).toEqual([]);

    const tiny = await get(t.read, "?maxNodes=10&scope=connected&scope=cde&minBytes=601");
    expect(tiny.edges).toEqual([]);
  });

  it("past the link cap, the scope whose folding removes the most links folds one level further, the links re-summed; a repeated query is served from memory until the next classification", async () => {
    const t = await appFleetTenant();
    await runInDurableObject(tenantScope(env, t.tenantId), (_i: TenantScope, state) => {
      const sql = state.storage.sql;
      const full = computeBoundaryMap(sql, { scopes: [] });
      expect(full.edges.length).toBe(25); // 24 app servers and the internet, each to the vault
      // 4 network boxes + the internet = 5 links > 4: connected folds per account (2 + 1 = 3 links).
      const perAccount = computeBoundaryMap(sql, { scopes: [], maxEdges: 4 });
      expect(perAccount.levels).toMatchObject({ cde: "resource", connected: "account" });
      expect(perAccount.edges.map((e) => e.bytes).sort((a, b) => a - b)).toEqual([5, 1200, 1200]);
      const capped = computeBoundaryMap(sql, { scopes: [], maxEdges: 2 });
      expect(capped.levels).toMatchObject({ cde: "resource", connected: "scope" });
      expect(capped.edges.map((e) => [e.source, e.target, e.bytes])).toEqual(expect.arrayContaining([["g:connected", DB, 2400], ["ext:internet", DB, 5]]));
      expect(capped.edges).toHaveLength(2);
      expect(capped.nodes.find((n) => n.id === "g:connected")).toMatchObject({ count: 24, drill: { scope: "connected" } });

      const first = boundaryMap(sql, { scopes: [] });
      expect(boundaryMap(sql, { scopes: [] })).toBe(first);
      expect(boundaryMap(sql, { scopes: ["cde"] })).not.toBe(first);
      sql.exec("UPDATE meta SET value = value || '0' WHERE key = 'classified_at'");
      expect(boundaryMap(sql, { scopes: [] })).not.toBe(first);
    });
  });

  it("bad input: an unknown scope, a node cap out of range, negative bytes are 400", async () => {
    const t = await newTenant();
    for (const q of ["scope=maybe", "maxNodes=5", "maxNodes=401", "minBytes=-1", "hideOos=yes"]) {
      expectError(await call("GET", `/v1/scope/map?${q}`, { key: t.read }), 400, "INVALID_REQUEST");
    }
  });

  it("security: 401 without a key; another tenant's map is empty; an empty tenant has nothing to draw", async () => {
    expectError(await call("GET", "/v1/scope/map"), 401, "UNAUTHENTICATED");
    await seededTenant();
    const other = await newTenant();
    const m = await get(other.read);
    expect(m).toMatchObject({ nodes: [], edges: [], shown: 0, folded: 0 });
    expect((await get(other.read, `?account=111111111111`)).nodes).toEqual([]);
  });
});
