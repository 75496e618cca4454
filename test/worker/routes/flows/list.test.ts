import { describe, expect, it } from "vitest";
import { ARN, seededTenant } from "../../fixtures.js";
import { call, expectError, newTenant } from "../../helpers.js";

describe("GET /v1/flows", () => {
  it("lists edges with both sides' scopes", async () => {
    const t = await seededTenant();
    const res = await call("GET", "/v1/flows", { key: t.read });
    expect(res.status).toBe(200);
    expect(res.json.items).toHaveLength(4);
    const toDb = res.json.items.find((f: { dstPort: number }) => f.dstPort === 5432);
    expect(toDb).toMatchObject({ srcUid: ARN.pay, dstUid: ARN.db, dstScope: "cde", action: "accept", bytes: 9000 });
  });

  it("filters by uid, scope pair, port and action", async () => {
    const t = await seededTenant();
    const get = async (q: string) => (await call("GET", `/v1/flows?${q}`, { key: t.read })).json.items as { dstPort: number; srcIp: string }[];
    expect((await get(`uid=${encodeURIComponent(ARN.db)}`)).map((f) => f.dstPort)).toEqual([5432]);
    const toCde = (await get("dstScope=cde")) as unknown as { dstPort: number; dstScope: string }[];
    expect(toCde.map((f) => f.dstPort)).toContain(5432);
    expect(toCde.every((f) => f.dstScope === "cde")).toBe(true);
    expect((await get("dstScope=cde&port=5432")).length).toBe(1);
    expect((await get("srcScope=unmapped")).map((f) => f.srcIp)).toEqual(["203.0.113.5"]);
    expect((await get("port=22")).length).toBe(1);
    expect((await get("action=reject")).map((f) => f.dstPort)).toEqual([22]);
    expect((await get("port=443&action=accept")).length).toBe(2);
  });

  it("pages with a cursor", async () => {
    const t = await seededTenant();
    const first = await call("GET", "/v1/flows?limit=3", { key: t.read });
    expect(first.json.items).toHaveLength(3);
    const second = await call("GET", `/v1/flows?limit=3&cursor=${first.json.nextCursor}`, { key: t.read });
    expect(second.json.items).toHaveLength(1);
    expect(second.json.nextCursor).toBeNull();
    const all = [...first.json.items, ...second.json.items].map((f: { srcIp: string; dstPort: number }) => `${f.srcIp}:${f.dstPort}`);
    expect(new Set(all).size).toBe(4);
  });

  it("rejects bad filters", async () => {
    const t = await newTenant();
    expectError(await call("GET", "/v1/flows?port=70000", { key: t.read }), 400, "INVALID_REQUEST");
    expectError(await call("GET", "/v1/flows?action=drop", { key: t.read }), 400, "INVALID_REQUEST");
    expectError(await call("GET", "/v1/flows?cursor=WyJhIl0", { key: t.read }), 400, "INVALID_REQUEST");
  });

  it("needs a key and shows only the caller's flows", async () => {
    expectError(await call("GET", "/v1/flows"), 401, "UNAUTHENTICATED");
    await seededTenant();
    const t = await newTenant();
    expect((await call("GET", "/v1/flows", { key: t.read })).json.items).toEqual([]);
  });
});
