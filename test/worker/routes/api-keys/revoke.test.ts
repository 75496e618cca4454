import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectError, newTenant } from "../../helpers.js";

const idOf = (key: string) => key.split("_")[1]!;

describe("POST /v1/api-keys/:id/revoke", () => {
  it("revokes: the key stops working at once; audited; revoking again is a no-op", async () => {
    const t = await newTenant();
    expect((await call("GET", "/v1/scope/summary", { key: t.read })).status).toBe(200);
    const res = await call("POST", `/v1/api-keys/${idOf(t.read)}/revoke`, { key: t.admin });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ id: idOf(t.read), name: "reader", revokedAt: expect.any(String) });
    expectError(await call("GET", "/v1/scope/summary", { key: t.read }), 401, "UNAUTHENTICATED");
    const again = await call("POST", `/v1/api-keys/${idOf(t.read)}/revoke`, { key: t.admin });
    expect(again.json.revokedAt).toBe(res.json.revokedAt);
    const listed = (await call("GET", "/v1/api-keys", { key: t.admin })).json.items.find((k: { id: string }) => k.id === idOf(t.read));
    expect(listed.revokedAt).toBe(res.json.revokedAt);
    const audit = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE tenant_id = ? AND action = 'api_key.revoke'").bind(t.tenantId).first<{ n: number }>();
    expect(audit?.n).toBe(1);
  });

  it("bad input: a malformed id is 400 naming the id; an unknown one is 404", async () => {
    const t = await newTenant();
    const bad = expectError(await call("POST", "/v1/api-keys/psg_nope/revoke", { key: t.admin }), 400, "INVALID_REQUEST");
    expect(bad.message).toContain("id");
    expectError(await call("POST", `/v1/api-keys/${"0".repeat(16)}/revoke`, { key: t.admin }), 404, "NOT_FOUND");
  });

  it("security: 401 without a key, 403 for a read key, another tenant's key is 404 and keeps working", async () => {
    const a = await newTenant();
    const b = await newTenant();
    expectError(await call("POST", `/v1/api-keys/${idOf(b.read)}/revoke`), 401, "UNAUTHENTICATED");
    expectError(await call("POST", `/v1/api-keys/${idOf(b.read)}/revoke`, { key: b.read }), 403, "FORBIDDEN");
    expectError(await call("POST", `/v1/api-keys/${idOf(b.read)}/revoke`, { key: a.admin }), 404, "NOT_FOUND");
    expect((await call("GET", "/v1/scope/summary", { key: b.read })).status).toBe(200);
  });
});
