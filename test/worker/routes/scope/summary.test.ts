import { describe, expect, it } from "vitest";
import { seededTenant } from "../../fixtures.js";
import { call, expectError, newTenant } from "../../helpers.js";

describe("GET /v1/scope/summary", () => {
  it("counts resources per scope, account and kind, and totals flows", async () => {
    const t = await seededTenant();
    const res = await call("GET", "/v1/scope/summary", { key: t.read });
    expect(res.status).toBe(200);
    const s = res.json;
    expect(s.resources.total).toBe(5);
    expect(s.resources.byScope.cde).toBeGreaterThanOrEqual(1);
    expect(Object.values(s.resources.byScope as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(5);
    expect(s.byProviderAccount).toEqual([
      expect.objectContaining({ provider: "aws", account: "111111111111", total: 4 }),
      expect.objectContaining({ provider: "aws", account: "222222222222", total: 1 }),
    ]);
    expect(s.byKind.find((k: { kind: string }) => k.kind === "instance").total).toBe(3);
    expect(s.lastScan).toMatchObject({ scanId: "s1", parts: 1 });
    expect(s.flows).toMatchObject({ edges: 4, accepted: 3, rejected: 1, unmapped: 1, bytes: 13150 });
    expect(s.classifiedAt).toBeGreaterThan(0);
  });

  it("an empty tenant has an empty summary", async () => {
    const t = await newTenant();
    const res = await call("GET", "/v1/scope/summary", { key: t.read });
    expect(res.json).toMatchObject({ resources: { total: 0, byScope: {} }, lastScan: null, flows: { edges: 0 } });
  });

  it("needs a key, and shows only the caller's tenant", async () => {
    expectError(await call("GET", "/v1/scope/summary"), 401, "UNAUTHENTICATED");
    await seededTenant();
    const empty = await newTenant();
    expect((await call("GET", "/v1/scope/summary", { key: empty.admin })).json.resources.total).toBe(0);
  });
});
