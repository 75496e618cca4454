import { afterEach, describe, expect, it, vi } from "vitest";
import { TenantScope } from "../../../worker/durable-objects/tenant-scope/object.js";
import { call, expectError, newTenant } from "../helpers.js";

describe("error handling", () => {
  afterEach(() => vi.restoreAllMocks());

  it("an unexpected failure is INTERNAL in the one shape, without internals", async () => {
    const t = await newTenant();
    vi.spyOn(TenantScope.prototype, "summary").mockRejectedValueOnce(new Error("secret internal detail at /srv/x.ts:1"));
    const res = await call("GET", "/v1/scope/summary", { key: t.read, headers: { "x-request-id": "trace-12345678" } });
    const err = expectError(res, 500, "INTERNAL");
    expect(err.requestId).toBe("trace-12345678");
    expect(JSON.stringify(res.json)).not.toContain("secret internal detail");
  });

  it("an unparseable JSON body is INVALID_REQUEST", async () => {
    const t = await newTenant();
    expectError(await call("POST", "/v1/api-keys", { key: t.admin, body: "{nope" }), 400, "INVALID_REQUEST");
  });

  it("wrong method on a known path is NOT_FOUND in the same shape", async () => {
    expectError(await call("DELETE", "/v1/scope/summary"), 404, "NOT_FOUND");
  });
});
