import { describe, expect, it } from "vitest";
import { call, expectError, newCollector, newTenant } from "../../helpers.js";

describe("GET /v1/collectors", () => {
  it("lists the tenant's collectors and no one else's", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const ca = await newCollector(a);
    await newCollector(b);
    const res = await call("GET", "/v1/collectors", { key: a.read });
    expect(res.status).toBe(200);
    expect(res.json.items.map((c: { id: string }) => c.id)).toEqual([ca.collectorId]);
  });

  it("needs a key", async () => {
    expectError(await call("GET", "/v1/collectors"), 401, "UNAUTHENTICATED");
    expectError(await call("GET", "/v1/collectors", { headers: { authorization: "Basic abc" } }), 401, "UNAUTHENTICATED");
  });
});
