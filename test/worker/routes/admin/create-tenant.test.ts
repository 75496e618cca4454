import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../../../worker/app.js";
import { call, expectError } from "../../helpers.js";


// The secret is not in wrangler.toml, so these requests go through the app with an env that
// has it, as `wrangler dev` does with .dev.vars.
const withOperator = { ...env, OPERATOR_TOKEN: "operator-secret-for-tests" };
const post = async (body: unknown, token?: string, e: object = withOperator) => {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await app.fetch(new Request("http://api.test/v1/admin/tenants", { method: "POST", headers, body: JSON.stringify(body) }), e);
  return { status: res.status, json: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
};

describe("POST /v1/admin/tenants", () => {
  it("creates a tenant and a working first admin key, audited", async () => {
    const res = await post({ name: "Acme Payments" }, "operator-secret-for-tests");
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ tenantId: expect.stringMatching(/^tnt_/), name: "Acme Payments", apiKey: expect.stringMatching(/^psg_[0-9a-f]{16}_/) });
    expect((await call("GET", "/v1/collectors", { key: res.json.apiKey })).status).toBe(200);
    const token = await call("POST", "/v1/enrollment-tokens", { key: res.json.apiKey, body: {} });
    expect(token.status).toBe(201);
    const audit = await env.DB.prepare("SELECT actor, action FROM audit_log WHERE tenant_id = ? ORDER BY at").bind(res.json.tenantId).all();
    expect(audit.results[0]).toEqual({ actor: "operator", action: "tenant.create" });
    // Only the hash is stored.
    const stored = await env.DB.prepare("SELECT key_hash FROM api_keys WHERE tenant_id = ?").bind(res.json.tenantId).first<{ key_hash: string }>();
    expect(stored?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.key_hash).not.toContain(res.json.apiKey.split("_")[2]);
  });

  it("rejects a missing name", async () => {
    expectError(await post({}, "operator-secret-for-tests"), 400, "INVALID_REQUEST");
  });

  it("needs the operator token", async () => {
    expectError(await post({ name: "x" }), 401, "UNAUTHENTICATED");
    expectError(await post({ name: "x" }, "wrong"), 401, "UNAUTHENTICATED");
  });

  it("does not exist when OPERATOR_TOKEN is unset", async () => {
    const { OPERATOR_TOKEN: _ignored, ...withoutOperator } = withOperator;
    expectError(await post({ name: "x" }, "anything", withoutOperator), 404, "NOT_FOUND");
    expectError(await post({ name: "x" }, "anything", { ...withOperator, OPERATOR_TOKEN: "" }), 404, "NOT_FOUND");
  });
});
