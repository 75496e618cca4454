import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tenantScope } from "../../../../worker/durable-objects/tenant-scope/client.js";
import type { TenantScope } from "../../../../worker/durable-objects/tenant-scope/object.js";
import { ARN, seededTenant } from "../../fixtures.js";
import { call, expectError, newTenant } from "../../helpers.js";

const HOUR = 3_600_000;

/** Writes a past point as an earlier classification would have. */
async function pastPoint(tenantId: string, at: number, counts: { cde: number; connected: number; security_impacting: number; out_of_scope: number }) {
  await runInDurableObject(tenantScope(env, tenantId), (_i: TenantScope, state) => {
    const total = counts.cde + counts.connected + counts.security_impacting + counts.out_of_scope;
    state.storage.sql.exec(
      "INSERT OR REPLACE INTO scope_trend (hour, at, cde, connected, security_impacting, out_of_scope, unclassified, total) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
      Math.floor(at / HOUR), at, counts.cde, counts.connected, counts.security_impacting, counts.out_of_scope, total,
    );
  });
}

describe("GET /v1/scope/trend", () => {
  it("records the counts of each classification, one point per hour, oldest first; long ranges are daily", async () => {
    const t = await seededTenant();
    const summary = (await call("GET", "/v1/scope/summary", { key: t.read })).json;
    const res = await call("GET", "/v1/scope/trend?days=7", { key: t.read });
    expect(res.status).toBe(200);
    expect(res.json.resolution).toBe("hour");
    expect(res.json.points).toHaveLength(1);
    const now = res.json.points[0];
    expect(now).toMatchObject({ cde: summary.resources.byScope.cde ?? 0, connected: summary.resources.byScope.connected ?? 0, total: 5 });

    // An override in the same hour replaces that hour's point instead of adding one.
    expect((await call("POST", "/v1/overrides", { key: t.admin, body: { uid: ARN.other, scope: "cde", justification: "shares the card vault's admin host" } })).status).toBe(201);
    const after = (await call("GET", "/v1/scope/trend?days=7", { key: t.read })).json.points;
    // (Two points only if the hour turned between the two classifications.)
    expect(after).toHaveLength(Math.floor(after[after.length - 1].at / HOUR) === Math.floor(now.at / HOUR) ? 1 : 2);
    expect(after[after.length - 1].cde).toBe(now.cde + 1);

    await pastPoint(t.tenantId, Date.now() - 30 * 24 * HOUR, { cde: 1, connected: 0, security_impacting: 0, out_of_scope: 2 });
    const threeDaysAgo = Math.floor(Date.now() / (24 * HOUR)) * 24 * HOUR - 3 * 24 * HOUR;
    await pastPoint(t.tenantId, threeDaysAgo + 2 * HOUR, { cde: 1, connected: 1, security_impacting: 0, out_of_scope: 2 });
    await pastPoint(t.tenantId, threeDaysAgo + 3 * HOUR, { cde: 1, connected: 1, security_impacting: 1, out_of_scope: 2 });

    const week = (await call("GET", "/v1/scope/trend?days=7", { key: t.read })).json;
    expect(week.points.map((p: { total: number }) => p.total).slice(0, 3)).toEqual([4, 5, 5]);
    const quarter = (await call("GET", "/v1/scope/trend", { key: t.read })).json;
    expect(quarter).toMatchObject({ days: 90, resolution: "day" });
    // The day three days ago keeps only its last point.
    expect(quarter.points.map((p: { total: number }) => p.total)).toEqual([3, 5, 5]);
    expect(quarter.points[1].security_impacting).toBe(1);
    expect(quarter.points.map((p: { at: number }) => p.at)).toEqual([...quarter.points.map((p: { at: number }) => p.at)].sort((a, b) => a - b));
  });

  it("an empty tenant has no points", async () => {
    const t = await newTenant();
    expect((await call("GET", "/v1/scope/trend", { key: t.read })).json).toEqual({ days: 90, resolution: "day", points: [] });
  });

  it("bad input: days out of range or not a number is 400 naming days", async () => {
    const t = await newTenant();
    for (const q of ["days=0", "days=366", "days=abc", "days=1.5"]) {
      const res = await call("GET", `/v1/scope/trend?${q}`, { key: t.read });
      expectError(res, 400, "INVALID_REQUEST");
      expect(res.json.error.message).toContain("days");
    }
  });

  it("security: no key 401, a forged key 401; another tenant's points are never shown", async () => {
    const t = await seededTenant();
    expectError(await call("GET", "/v1/scope/trend"), 401, "UNAUTHENTICATED");
    expectError(await call("GET", "/v1/scope/trend", { key: `${t.read.slice(0, -4)}AAAA` }), 401, "UNAUTHENTICATED");
    const other = await newTenant();
    expect((await call("GET", "/v1/scope/trend", { key: other.admin })).json.points).toEqual([]);
  });
});
