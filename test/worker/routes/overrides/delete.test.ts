import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ARN, seededTenant } from "../../fixtures.js";
import { call, expectError, newTenant } from "../../helpers.js";

const path = (uid: string) => `/v1/overrides/${encodeURIComponent(uid)}`;

describe("DELETE /v1/overrides/:uid", () => {
  it("removes the override, reclassifies, and audits", async () => {
    const t = await seededTenant();
    const before = (await call("GET", `/v1/resources/${encodeURIComponent(ARN.web)}`, { key: t.read })).json.decision.scope;
    await call("POST", "/v1/overrides", { key: t.admin, body: { uid: ARN.web, scope: "cde", justification: "temporarily in scope for test" } });
    const res = await call("DELETE", path(ARN.web), { key: t.admin });
    expect(res.status).toBe(204);
    const d = (await call("GET", `/v1/resources/${encodeURIComponent(ARN.web)}`, { key: t.read })).json;
    expect(d.override).toBeNull();
    expect(d.decision.scope).toBe(before);
    const audit = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE tenant_id = ? AND action = 'override.remove'").bind(t.tenantId).first<{ n: number }>();
    expect(audit?.n).toBe(1);
  });

  it("404 when there is no override", async () => {
    const t = await seededTenant();
    expectError(await call("DELETE", path(ARN.web), { key: t.admin }), 404, "NOT_FOUND");
  });

  it("security: 401, 403 for a read key, 404 for another tenant's override (which stays)", async () => {
    const victim = await seededTenant();
    await call("POST", "/v1/overrides", { key: victim.admin, body: { uid: ARN.web, scope: "cde", justification: "assessor asked for it" } });
    const attacker = await newTenant();
    expectError(await call("DELETE", path(ARN.web)), 401, "UNAUTHENTICATED");
    expectError(await call("DELETE", path(ARN.web), { key: victim.read }), 403, "FORBIDDEN");
    expectError(await call("DELETE", path(ARN.web), { key: attacker.admin }), 404, "NOT_FOUND");
    expect((await call("GET", `/v1/resources/${encodeURIComponent(ARN.web)}`, { key: victim.read })).json.override).not.toBeNull();
  });
});
