import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectError, newCollector, newTenant } from "../../helpers.js";

describe("POST /v1/collectors/:id/revoke", () => {
  it("revokes, audits, and is idempotent", async () => {
    const t = await newTenant();
    const c = await newCollector(t);
    const res = await call("POST", `/v1/collectors/${c.collectorId}/revoke`, { key: t.admin });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: c.collectorId, status: "revoked", revokedAt: expect.any(String) });
    expect((await call("POST", `/v1/collectors/${c.collectorId}/revoke`, { key: t.admin })).json.status).toBe("revoked");
    const audit = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE tenant_id = ? AND action = 'collector.revoke'").bind(t.tenantId).first<{ n: number }>();
    expect(audit?.n).toBe(1);
  });

  it("404 for an unknown collector", async () => {
    const t = await newTenant();
    expectError(await call("POST", "/v1/collectors/col_nope/revoke", { key: t.admin }), 404, "NOT_FOUND");
  });

  it("security: read key 403, another tenant's collector 404 and untouched", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const cb = await newCollector(b);
    expectError(await call("POST", `/v1/collectors/${cb.collectorId}/revoke`), 401, "UNAUTHENTICATED");
    expectError(await call("POST", `/v1/collectors/${cb.collectorId}/revoke`, { key: b.read }), 403, "FORBIDDEN");
    expectError(await call("POST", `/v1/collectors/${cb.collectorId}/revoke`, { key: a.admin }), 404, "NOT_FOUND");
    expect((await call("GET", "/v1/collectors", { key: b.read })).json.items[0].status).toBe("active");
  });
});
