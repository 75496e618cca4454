import { describe, expect, it } from "vitest";
import { call, expectError, newTenant } from "../../helpers.js";
import { PASSWORD, signUpOwner } from "./accounts.js";

describe("POST /v1/auth/login and the session", () => {
  it("signs in with the right password (any case of address) and signs out", async () => {
    const owner = await signUpOwner();
    const login = await call("POST", "/v1/auth/login", { body: { email: owner.email.toUpperCase(), password: PASSWORD } });
    expect(login.status).toBe(201);
    expect(login.json.token).toMatch(/^psgs_/);
    expect((await call("GET", "/v1/sessions/current", { key: login.json.token })).status).toBe(200);
    expect((await call("DELETE", "/v1/sessions/current", { key: login.json.token })).status).toBe(204);
    expectError(await call("GET", "/v1/sessions/current", { key: login.json.token }), 401, "UNAUTHENTICATED");
    expectError(await call("GET", "/v1/resources", { key: login.json.token }), 401, "UNAUTHENTICATED");
    // The other session (from sign-up) is untouched.
    expect((await call("GET", "/v1/sessions/current", { key: owner.token })).status).toBe(200);
  });

  it("answers a wrong password and an unknown address the same way", async () => {
    const owner = await signUpOwner();
    const wrong = expectError(await call("POST", "/v1/auth/login", { body: { email: owner.email, password: "not the password" } }), 401, "UNAUTHENTICATED");
    const unknown = expectError(await call("POST", "/v1/auth/login", { body: { email: "nobody@example.com", password: "whatever" } }), 401, "UNAUTHENTICATED");
    expect(wrong.message).toBe(unknown.message);
  });

  it("rate-limits failed sign-ins per address, even the right password afterwards", async () => {
    const owner = await signUpOwner();
    for (let i = 0; i < 8; i++) await call("POST", "/v1/auth/login", { body: { email: owner.email, password: `guess ${i}` } });
    const limited = await call("POST", "/v1/auth/login", { body: { email: owner.email, password: PASSWORD } });
    expectError(limited, 429, "RATE_LIMITED");
    expect(limited.headers.get("retry-after")).toBe("900");
  });

  it("refuses a session where only a person may act, and an API key on session routes", async () => {
    const t = await newTenant();
    expectError(await call("GET", "/v1/sessions/current", { key: t.admin }), 401, "UNAUTHENTICATED");
    expectError(await call("GET", "/v1/sessions/current"), 401, "UNAUTHENTICATED");
    expectError(await call("GET", "/v1/sessions/current", { key: `psgs_${"A".repeat(43)}` }), 401, "UNAUTHENTICATED");
    expectError(await call("GET", "/v1/resources", { key: `psgs_${"A".repeat(43)}` }), 401, "UNAUTHENTICATED");
  });
});
