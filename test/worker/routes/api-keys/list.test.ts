import { describe, expect, it } from "vitest";
import { call, expectError, newTenant } from "../../helpers.js";

const idOf = (key: string) => key.split("_")[1]!;

describe("GET /v1/api-keys", () => {
  it("lists name, prefix, role, created and last used; never the key or its hash", async () => {
    const t = await newTenant();
    // The read key has been used once by now (newTenant); use it again to be sure of last-used.
    expect((await call("GET", "/v1/scope/summary", { key: t.read })).status).toBe(200);
    // last_used_at is written after the response (waitUntil): give it a moment.
    let res = await call("GET", "/v1/api-keys", { key: t.admin });
    for (let i = 0; i < 50 && res.json.items?.[1]?.lastUsedAt === null; i++) {
      await new Promise((r) => setTimeout(r, 50));
      res = await call("GET", "/v1/api-keys", { key: t.admin });
    }
    expect(res.status).toBe(200);
    const items = res.json.items as Record<string, unknown>[];
    expect(items.map((k) => k.prefix)).toEqual([`psg_${idOf(t.admin)}`, `psg_${idOf(t.read)}`]);
    expect(items[1]).toEqual({
      id: idOf(t.read),
      name: "reader",
      role: "read",
      prefix: `psg_${idOf(t.read)}`,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      lastUsedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      revokedAt: null,
    });
    expect(JSON.stringify(res.json)).not.toContain(t.read.split("_")[2]);
    expect(JSON.stringify(res.json)).not.toMatch(/hash/i);
  });

  it("bad input: a query string changes nothing (the list takes none); unknown subpaths are 404", async () => {
    const t = await newTenant();
    expect((await call("GET", "/v1/api-keys?limit=nonsense", { key: t.admin })).json.items).toHaveLength(2);
    expect((await call("GET", "/v1/api-keys/whatever", { key: t.admin })).status).toBe(404);
  });

  it("security: 401 without a key, 403 for a read key, and only the caller's tenant's keys", async () => {
    const a = await newTenant();
    const b = await newTenant();
    expectError(await call("GET", "/v1/api-keys"), 401, "UNAUTHENTICATED");
    expectError(await call("GET", "/v1/api-keys", { key: a.read }), 403, "FORBIDDEN");
    const ids = ((await call("GET", "/v1/api-keys", { key: a.admin })).json.items as { id: string }[]).map((k) => k.id);
    expect(ids).toEqual([idOf(a.admin), idOf(a.read)]);
    expect(ids).not.toContain(idOf(b.read));
  });
});
