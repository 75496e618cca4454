import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ARN, seededTenant } from "../../fixtures.js";
import { call, expectError, newTenant } from "../../helpers.js";

const detail = (t: { read: string }, uid: string) => call("GET", `/v1/resources/${encodeURIComponent(uid)}`, { key: t.read });

describe("POST /v1/overrides", () => {
  it("sets the scope, reclassifies, and audits with the API key as actor", async () => {
    const t = await seededTenant();
    const cdeBefore = (await call("GET", "/v1/scope/summary", { key: t.read })).json.resources.byScope.cde ?? 0;
    expect((await detail(t, ARN.web)).json.decision.scope).not.toBe("cde");
    const res = await call("POST", "/v1/overrides", { key: t.admin, body: { uid: ARN.web, scope: "cde", justification: "Renders the card entry iframe host page" } });
    expect(res.status).toBe(201);
    expect(res.json.decision).toMatchObject({ uid: ARN.web, scope: "cde" });
    const d = (await detail(t, ARN.web)).json;
    expect(d.decision.scope).toBe("cde");
    // The summary the dashboard reads follows at once.
    const summary = (await call("GET", "/v1/scope/summary", { key: t.read })).json;
    expect(summary.resources.byScope.cde).toBe(cdeBefore + 1);
    expect(summary.resources.overridden).toBe(1);
    expect(d.override).toMatchObject({ scope: "cde", justification: "Renders the card entry iframe host page", author: expect.stringMatching(/^apikey:/) });
    const audit = await env.DB.prepare("SELECT actor, target, detail FROM audit_log WHERE tenant_id = ? AND action = 'override.set'").bind(t.tenantId).first<{ actor: string; target: string; detail: string }>();
    expect(audit?.actor).toBe(d.override.author);
    expect(audit?.target).toBe(ARN.web);
    expect(JSON.parse(audit!.detail)).toMatchObject({ scope: "cde" });
    expect((await call("GET", "/v1/resources?scope=cde", { key: t.read })).json.items.map((r: { uid: string; overridden: boolean }) => [r.uid, r.overridden])).toContainEqual([ARN.web, true]);
  });

  it("rejects a short justification, an unknown scope and a past expiry", async () => {
    const t = await seededTenant();
    const err = expectError(await call("POST", "/v1/overrides", { key: t.admin, body: { uid: ARN.web, scope: "cde", justification: "because" } }), 400, "INVALID_REQUEST");
    expect(err.message).toContain("justification");
    expectError(await call("POST", "/v1/overrides", { key: t.admin, body: { uid: ARN.web, scope: "maybe", justification: "long enough text" } }), 400, "INVALID_REQUEST");
    expectError(await call("POST", "/v1/overrides", { key: t.admin, body: { uid: ARN.web, scope: "cde", justification: "long enough text", expiresAt: "2001-01-01T00:00:00Z" } }), 400, "INVALID_REQUEST");
    expect((await detail(t, ARN.web)).json.override).toBeNull();
  });

  it("security: 401, 403 for a read key, 404 for another tenant's resource (and nothing stored or audited)", async () => {
    const victim = await seededTenant();
    const attacker = await newTenant();
    const body = { uid: ARN.db, scope: "out_of_scope", justification: "trying to hide the CDE database" };
    expectError(await call("POST", "/v1/overrides", { body }), 401, "UNAUTHENTICATED");
    expectError(await call("POST", "/v1/overrides", { key: victim.read, body }), 403, "FORBIDDEN");
    expectError(await call("POST", "/v1/overrides", { key: attacker.admin, body }), 404, "NOT_FOUND");
    expect((await detail(victim, ARN.db)).json.decision.scope).toBe("cde");
    const audit = await env.DB.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'override.set' AND tenant_id IN (?, ?)").bind(victim.tenantId, attacker.tenantId).first<{ n: number }>();
    expect(audit?.n).toBe(0);
  });
});
