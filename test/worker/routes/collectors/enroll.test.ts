import { ed25519 } from "@noble/curves/ed25519.js";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { toBase64Url } from "../../../../contract/index.js";
import { call, expectError, newEnrollmentToken, newTenant } from "../../helpers.js";

const publicKey = () => toBase64Url(ed25519.keygen().publicKey);

describe("POST /v1/collectors/enroll", () => {
  it("trades a token and a public key for a collector id in the token's tenant, audited", async () => {
    const t = await newTenant();
    const token = await newEnrollmentToken(t, { name: "from-token" });
    const key = publicKey();
    const res = await call("POST", "/v1/collectors/enroll", { body: { token, publicKey: key, version: "1.2.3" } });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ collectorId: expect.stringMatching(/^col_/), tenantId: t.tenantId, nextSeq: 1 });
    const list = await call("GET", "/v1/collectors", { key: t.read });
    expect(list.json.items).toEqual([expect.objectContaining({ id: res.json.collectorId, name: "from-token", publicKey: key, status: "active", version: "1.2.3", lastSeq: 0 })]);
    const audit = await env.DB.prepare("SELECT actor FROM audit_log WHERE tenant_id = ? AND action = 'collector.enroll'").bind(t.tenantId).first<{ actor: string }>();
    expect(audit?.actor).toBe(`collector:${res.json.collectorId}`);
  });

  it("refuses a token that was already used, and the second enrollment creates nothing", async () => {
    const t = await newTenant();
    const token = await newEnrollmentToken(t);
    expect((await call("POST", "/v1/collectors/enroll", { body: { token, publicKey: publicKey() } })).status).toBe(201);
    expectError(await call("POST", "/v1/collectors/enroll", { body: { token, publicKey: publicKey() } }), 409, "ENROLLMENT_TOKEN_USED");
    expect((await call("GET", "/v1/collectors", { key: t.read })).json.items).toHaveLength(1);
  });

  it("two racing enrollments with one token produce one collector", async () => {
    const t = await newTenant();
    const token = await newEnrollmentToken(t);
    const results = await Promise.all([1, 2, 3].map(() => call("POST", "/v1/collectors/enroll", { body: { token, publicKey: publicKey() } })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect((await call("GET", "/v1/collectors", { key: t.read })).json.items).toHaveLength(1);
  });

  it("refuses an expired token", async () => {
    const t = await newTenant();
    const token = await newEnrollmentToken(t, { ttlSeconds: 60 });
    await env.DB.prepare("UPDATE enrollment_tokens SET expires_at = ? WHERE tenant_id = ?").bind(Date.now() - 1, t.tenantId).run();
    expectError(await call("POST", "/v1/collectors/enroll", { body: { token, publicKey: publicKey() } }), 401, "ENROLLMENT_TOKEN_EXPIRED");
    expect((await call("GET", "/v1/collectors", { key: t.read })).json.items).toHaveLength(0);
  });

  it("refuses an unknown token", async () => {
    expectError(await call("POST", "/v1/collectors/enroll", { body: { token: "psgenroll_madeupmadeupmadeup", publicKey: publicKey() } }), 401, "ENROLLMENT_TOKEN_INVALID");
  });

  it("rejects a malformed public key or body with the field named", async () => {
    const t = await newTenant();
    const token = await newEnrollmentToken(t);
    const err = expectError(await call("POST", "/v1/collectors/enroll", { body: { token, publicKey: "short" } }), 400, "INVALID_REQUEST");
    expect(err.message).toContain("publicKey");
    expectError(await call("POST", "/v1/collectors/enroll", { body: "{oops" }), 400, "INVALID_REQUEST");
    // The token was not spent by the bad requests.
    expect((await call("POST", "/v1/collectors/enroll", { body: { token, publicKey: publicKey() } })).status).toBe(201);
  });
});
