import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tenantScope } from "../../../worker/durable-objects/tenant-scope/client.js";
import { ensureEdgeScopes } from "../../../worker/durable-objects/tenant-scope/edge-scopes.js";
import type { TenantScope } from "../../../worker/durable-objects/tenant-scope/object.js";
import { ARN, seededTenant } from "../fixtures.js";
import { call } from "../helpers.js";

const JOINED = `SELECT f.rowid AS id, ds.scope AS src, dd.scope AS dst FROM flow_edges f
  LEFT JOIN decisions ds ON ds.uid = f.src_uid LEFT JOIN decisions dd ON dd.uid = f.dst_uid ORDER BY f.rowid`;
const STORED = "SELECT rowid AS id, src_scope AS src, dst_scope AS dst FROM flow_edges ORDER BY rowid";

describe("TenantScope: flow edges carry their ends' scopes", () => {
  it("an object made before the columns gets them, filled from its decisions", async () => {
    const t = await seededTenant();
    await runInDurableObject(tenantScope(env, t.tenantId), (_i: TenantScope, state) => {
      const sql = state.storage.sql;
      const expected = sql.exec(JOINED).toArray();
      expect(expected.some((r) => r.dst === "cde")).toBe(true);
      sql.exec("DROP INDEX flow_edges_to_cde");
      sql.exec("DROP INDEX flow_edges_from_cde");
      sql.exec("ALTER TABLE flow_edges DROP COLUMN src_scope");
      sql.exec("ALTER TABLE flow_edges DROP COLUMN dst_scope");
      ensureEdgeScopes(sql);
      expect(sql.exec(STORED).toArray()).toEqual(expected);
      ensureEdgeScopes(sql); // idempotent, as in every constructor
      expect(sql.exec(STORED).toArray()).toEqual(expected);
    });
  });

  it("flows into or out of the CDE are read through the small partial indexes, in key order", async () => {
    const t = await seededTenant();
    await runInDurableObject(tenantScope(env, t.tenantId), (_i: TenantScope, state) => {
      const plan = (where: string) =>
        state.storage.sql
          .exec<{ detail: string }>(`EXPLAIN QUERY PLAN SELECT * FROM flow_edges f WHERE ${where} ORDER BY f.src_ip, f.dst_ip, f.dst_port, f.protocol, f.action LIMIT 101`)
          .toArray()
          .map((r) => r.detail)
          .join("; ");
      expect(plan("f.dst_scope = 'cde' AND f.action = 'accept'")).toMatch(/flow_edges_to_cde/);
      expect(plan("f.src_scope = 'cde'")).toMatch(/flow_edges_from_cde/);
      expect(plan("f.dst_scope = 'cde'")).not.toMatch(/TEMP B-TREE/);
    });
  });

  it("a scope change moves the resource's edges between the scope filters of GET /v1/flows", async () => {
    const t = await seededTenant();
    const toCde = async () =>
      ((await call("GET", "/v1/flows?dstScope=cde", { key: t.read })).json.items as { dstUid?: string; dstScope: string }[]).map((f) => f.dstUid);
    const before = await toCde();
    // payments-api is in the CDE (keyword and flows); declared out of scope, its edges leave the filter.
    expect(before).toContain(ARN.pay);
    expect(before).toContain(ARN.db);
    expect((await call("POST", "/v1/overrides", { key: t.admin, body: { uid: ARN.pay, scope: "out_of_scope", justification: "Tokenized only" } })).status).toBe(201);
    expect(await toCde()).toEqual([ARN.db]);
    const out = (await call("GET", "/v1/flows?dstScope=out_of_scope", { key: t.read })).json.items as { dstUid: string }[];
    expect(out.map((f) => f.dstUid)).toContain(ARN.pay);
    expect((await call("DELETE", `/v1/overrides/${encodeURIComponent(ARN.pay)}`, { key: t.admin })).status).toBe(204);
    expect(await toCde()).toEqual(before);
    await runInDurableObject(tenantScope(env, t.tenantId), (_i: TenantScope, state) => {
      expect(state.storage.sql.exec(STORED).toArray()).toEqual(state.storage.sql.exec(JOINED).toArray());
    });
  });
});
