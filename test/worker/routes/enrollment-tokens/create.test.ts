import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../../contract/index.js";
import { call, expectError, newTenant } from "../../helpers.js";

describe("POST /v1/enrollment-tokens", () => {
  it("returns the token once and keeps only its hash, with the requested expiry", async () => {
    const t = await newTenant();
    const before = Date.now();
    const res = await call("POST", "/v1/enrollment-tokens", { key: t.admin, body: { ttlSeconds: 600, name: "prod-eu" } });
    expect(res.status).toBe(201);
    expect(res.json.token).toMatch(/^psgenroll_[A-Za-z0-9_-]{43}$/);
    const expires = Date.parse(res.json.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 600_000);
    expect(expires).toBeLessThan(before + 610_000);
    const row = await env.DB.prepare("SELECT token_hash, tenant_id FROM enrollment_tokens WHERE id = ?").bind(res.json.id).first<{ token_hash: string; tenant_id: string }>();
    expect(row).toEqual({ token_hash: await sha256Hex(new TextEncoder().encode(res.json.token)), tenant_id: t.tenantId });
  });

  it("defaults to the configured TTL", async () => {
    const t = await newTenant();
    const res = await call("POST", "/v1/enrollment-tokens", { key: t.admin, body: {} });
    expect(Date.parse(res.json.expiresAt) - Date.now()).toBeGreaterThan(3590_000);
  });

  it("refuses a TTL over 24 hours", async () => {
    const t = await newTenant();
    const err = expectError(await call("POST", "/v1/enrollment-tokens", { key: t.admin, body: { ttlSeconds: 86_401 } }), 400, "INVALID_REQUEST");
    expect(err.message).toContain("ttlSeconds");
  });

  it("needs an admin key", async () => {
    const t = await newTenant();
    expectError(await call("POST", "/v1/enrollment-tokens", { body: {} }), 401, "UNAUTHENTICATED");
    expectError(await call("POST", "/v1/enrollment-tokens", { key: t.read, body: {} }), 403, "FORBIDDEN");
  });
});
