import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectError } from "../../helpers.js";
import { PASSWORD, signUpOwner } from "./accounts.js";

describe("POST /v1/auth/signup", () => {
  it("creates a tenant, its owner and a session that works on the read API", async () => {
    const owner = await signUpOwner("Acme Payments");
    const me = await call("GET", "/v1/sessions/current", { key: owner.token });
    expect(me.status).toBe(200);
    expect(me.json.user).toMatchObject({ email: owner.email, role: "owner" });
    expect(me.json.tenant).toEqual({ id: owner.tenantId, name: "Acme Payments" });
    expect(me.json.can).toEqual({ write: true, manageUsers: true, grantOwner: true });
    expect((await call("GET", "/v1/scope/summary", { key: owner.token })).status).toBe(200);
  });

  it("stores only PBKDF2 hashes with a per-user salt, and only the session's hash", async () => {
    const a = await signUpOwner();
    const b = await signUpOwner();
    const rows = await env.DB.prepare("SELECT password_hash, password_salt, password_iterations FROM users WHERE id IN (?, ?)").bind(a.userId, b.userId).all<Json>();
    expect(rows.results).toHaveLength(2);
    expect(rows.results[0].password_salt).not.toBe(rows.results[1].password_salt);
    expect(rows.results[0].password_hash).not.toBe(rows.results[1].password_hash);
    for (const r of rows.results) expect(r.password_iterations).toBeLessThanOrEqual(100_000);
    const sessions = await env.DB.prepare("SELECT id FROM sessions WHERE user_id = ?").bind(a.userId).all<Json>();
    expect(sessions.results.map((s: Json) => s.id)).not.toContain(a.token);
    expect(JSON.stringify(rows.results)).not.toContain(PASSWORD);
  });

  it("refuses a taken address, a short password and a bad address", async () => {
    const owner = await signUpOwner();
    const again = await call("POST", "/v1/auth/signup", { body: { tenantName: "x", name: "x", email: owner.email.toUpperCase(), password: PASSWORD } });
    expectError(again, 409, "EMAIL_TAKEN");
    expectError(await call("POST", "/v1/auth/signup", { body: { tenantName: "x", name: "x", email: "new@example.com", password: "short" } }), 400, "INVALID_REQUEST");
    expectError(await call("POST", "/v1/auth/signup", { body: { tenantName: "x", name: "x", email: "not-an-address", password: PASSWORD } }), 400, "INVALID_REQUEST");
  });
});

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
