import { describe, expect, it } from "vitest";
import { call, expectError } from "../../helpers.js";

describe("GET /healthz", () => {
  it("answers ok without credentials", async () => {
    const res = await call("GET", "/healthz");
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ ok: true });
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it("answers unknown routes with NOT_FOUND in the one error shape", async () => {
    const err = expectError(await call("GET", "/v1/nope"), 404, "NOT_FOUND");
    expect(err.docs).toMatch(/docs\/api.md#error-not-found$/);
  });
});
