import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { seededTenant } from "../../fixtures.js";
import { call, expectError, newTenant } from "../../helpers.js";

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

describe("share links (admin side)", () => {
  it("creates a link whose token is shown once and stored only as a hash; lists, revokes, audits", async () => {
    const t = await seededTenant();
    const res = await call("POST", "/v1/share-links", { key: t.admin, body: { grants: { scope: true, evidence: "all" }, expiresAt: inDays(30), note: "QSA 2026 ROC" } });
    expect(res.status).toBe(201);
    expect(res.json.token).toMatch(/^psgl_[A-Za-z0-9_-]{43}$/);
    expect(res.json.link).toMatchObject({ status: "active", note: "QSA 2026 ROC", grants: { scope: true, evidence: "all" } });
    const row = await env.DB.prepare("SELECT * FROM share_links WHERE id = ?").bind(res.json.link.id).first<Record<string, string>>();
    expect(JSON.stringify(row)).not.toContain(res.json.token.slice(5));
    const list = await call("GET", "/v1/share-links", { key: t.admin });
    expect(list.json.items).toHaveLength(1);
    expect(JSON.stringify(list.json)).not.toContain(res.json.token);
    const revoked = await call("DELETE", `/v1/share-links/${res.json.link.id}`, { key: t.admin });
    expect(revoked.json.status).toBe("revoked");
    const audit = await env.DB.prepare("SELECT action FROM audit_log WHERE tenant_id = ? ORDER BY seq").bind(t.tenantId).all<{ action: string }>();
    expect(audit.results.map((r) => r.action)).toEqual(expect.arrayContaining(["share_link.create", "share_link.revoke"]));
  });

  it("refuses bad input: expiry past or beyond 90 days, nothing granted, unknown evidence", async () => {
    const t = await seededTenant();
    const post = (body: unknown) => call("POST", "/v1/share-links", { key: t.admin, body });
    expectError(await post({ grants: { scope: true, evidence: "none" }, expiresAt: inDays(91) }), 400, "INVALID_REQUEST");
    expectError(await post({ grants: { scope: true, evidence: "none" }, expiresAt: inDays(-1) }), 400, "INVALID_REQUEST");
    expectError(await post({ grants: { scope: false, evidence: "none" }, expiresAt: inDays(1) }), 400, "INVALID_REQUEST");
    expectError(await post({ grants: { scope: false, evidence: ["evd_000000000000000000000000"] }, expiresAt: inDays(1) }), 400, "INVALID_REQUEST");
    expectError(await post({ grants: { scope: true, evidence: "none" }, expiresAt: "tomorrow" }), 400, "INVALID_REQUEST");
    expect((await post({ grants: { scope: true, evidence: "none" }, expiresAt: inDays(89.9) })).status).toBe(201);
  });

  it("security: 401 without credentials, 403 for read keys, 404 for another tenant's link", async () => {
    const t = await seededTenant();
    const other = await newTenant();
    const res = await call("POST", "/v1/share-links", { key: t.admin, body: { grants: { scope: true, evidence: "none" }, expiresAt: inDays(1) } });
    expectError(await call("GET", "/v1/share-links"), 401, "UNAUTHENTICATED");
    expectError(await call("GET", "/v1/share-links", { key: t.read }), 403, "FORBIDDEN");
    expectError(await call("POST", "/v1/share-links", { key: t.read, body: { grants: { scope: true, evidence: "none" }, expiresAt: inDays(1) } }), 403, "FORBIDDEN");
    expectError(await call("DELETE", `/v1/share-links/${res.json.link.id}`, { key: other.admin }), 404, "NOT_FOUND");
    expectError(await call("GET", `/v1/share-links/${res.json.link.id}/access`, { key: other.admin }), 404, "NOT_FOUND");
    expect((await call("GET", "/v1/share-links", { key: other.admin })).json.items).toEqual([]);
  });
});
