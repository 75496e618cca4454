import { describe, expect, it } from "vitest";
import { call, expectError, newTenant } from "../../helpers.js";

describe("POST /v1/api-keys", () => {
  it("creates a read key that can read but not write", async () => {
    const t = await newTenant();
    const res = await call("POST", "/v1/api-keys", { key: t.admin, body: { name: "dashboard", role: "read" } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ role: "read", name: "dashboard", prefix: expect.stringMatching(/^psg_/) });
    expect((await call("GET", "/v1/scope/summary", { key: res.json.apiKey })).status).toBe(200);
    expectError(await call("POST", "/v1/enrollment-tokens", { key: res.json.apiKey, body: {} }), 403, "FORBIDDEN");
  });

  it("rejects an unknown role", async () => {
    const t = await newTenant();
    expectError(await call("POST", "/v1/api-keys", { key: t.admin, body: { name: "x", role: "owner" } }), 400, "INVALID_REQUEST");
  });

  it("security: 401 without a key, 401 with a forged one, 403 for a read key", async () => {
    const t = await newTenant();
    expectError(await call("POST", "/v1/api-keys", { body: { name: "x", role: "read" } }), 401, "UNAUTHENTICATED");
    const forged = `${t.admin.slice(0, -4)}AAAA`;
    expectError(await call("POST", "/v1/api-keys", { key: forged, body: { name: "x", role: "read" } }), 401, "UNAUTHENTICATED");
    expectError(await call("POST", "/v1/api-keys", { key: "psg_nonsense", body: { name: "x", role: "read" } }), 401, "UNAUTHENTICATED");
    expectError(await call("POST", "/v1/api-keys", { key: t.read, body: { name: "x", role: "read" } }), 403, "FORBIDDEN");
  });
});
