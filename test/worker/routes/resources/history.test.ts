import { describe, expect, it } from "vitest";
import { call, expectError, ingest, newTenant, type Json } from "../../helpers.js";
import { inventory, scopeTenant, U } from "../violations/scenario.js";

const history = (key: string | undefined, uid: string, q = "") => call("GET", `/v1/resources/${encodeURIComponent(uid)}/history${q}`, key ? { key } : {});

describe("GET /v1/resources/:uid/history", () => {
  it("drift events and override changes of one resource, newest first, and still there after it is removed", async () => {
    const { t, c, seq } = await scopeTenant();
    expect((await history(t.read, U.crm)).json).toEqual({ uid: U.crm, items: [] });
    expect((await call("POST", "/v1/overrides", { key: t.admin, body: { uid: U.crm, scope: "connected", justification: "Reads card tokens for refunds" } })).status).toBe(201);
    expect((await call("DELETE", `/v1/overrides/${encodeURIComponent(U.crm)}`, { key: t.admin })).status).toBe(204);
    const next = inventory("s2");
    next.resources = next.resources.filter((r) => r.uid !== U.crm);
    expect((await ingest(c, next as never, seq())).status).toBe(200);

    const res = await history(t.read, U.crm);
    expect(res.status).toBe(200);
    expect(res.json.items.map((i: Json) => [i.type, i.kind ?? i.action, i.after?.scope ?? i.scope ?? null])).toEqual([
      ["drift", "resource_removed", null],
      ["drift", "scope_changed", "out_of_scope"],
      ["override", "remove", null],
      ["drift", "scope_changed", "connected"],
      ["override", "set", "connected"],
    ]);
    expect(res.json.items[4]).toMatchObject({ justification: "Reads card tokens for refunds", author: expect.stringMatching(/^apikey:/) });
    expect(res.json.items[2].author).toBe(res.json.items[4].author);
    expect((await history(t.read, U.crm, "?limit=2")).json.items).toHaveLength(2);
  });

  it("bad input: a limit out of range", async () => {
    const { t } = await scopeTenant();
    expectError(await history(t.read, U.crm, "?limit=0"), 400, "INVALID_REQUEST");
    expectError(await history(t.read, U.crm, "?limit=x"), 400, "INVALID_REQUEST");
  });

  it("security: 401; another tenant's or an unknown uid is 404", async () => {
    const victim = await scopeTenant({ flows: true });
    const attacker = await newTenant();
    expectError(await history(undefined, U.db), 401, "UNAUTHENTICATED");
    expect((await history(victim.t.read, U.db)).json.items.length).toBeGreaterThan(0);
    expectError(await history(attacker.read, U.db), 404, "NOT_FOUND");
    expectError(await history(victim.t.read, "i-made-up"), 404, "NOT_FOUND");
  });
});
