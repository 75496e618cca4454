import { describe, expect, it } from "vitest";
import { ARN, seededTenant } from "../../fixtures.js";
import { call, expectError, newTenant } from "../../helpers.js";

const uids = (res: { json: { items: { uid: string }[] } }) => res.json.items.map((r) => r.uid);

describe("GET /v1/resources", () => {
  it("lists in stable uid order with scope and confidence", async () => {
    const t = await seededTenant();
    const res = await call("GET", "/v1/resources", { key: t.read });
    expect(res.status).toBe(200);
    expect(uids(res)).toEqual([...Object.values(ARN)].sort());
    const db = res.json.items.find((r: { uid: string }) => r.uid === ARN.db);
    expect(db).toMatchObject({ kind: "database", scope: "cde", stale: false, overridden: false, tags: { "pci:scope": "cde" } });
    expect(db.confidence).toBeGreaterThan(0);
    expect(res.json.nextCursor).toBeNull();
  });

  it("filters by scope, kind, provider, account and text", async () => {
    const t = await seededTenant();
    const get = (q: string) => call("GET", `/v1/resources?${q}`, { key: t.read });
    expect(uids(await get("scope=cde"))).toContain(ARN.db);
    expect(uids(await get("scope=cde")).every((u) => u !== ARN.other)).toBe(true);
    expect(uids(await get("kind=database"))).toEqual([ARN.db]);
    expect(uids(await get("account=222222222222"))).toEqual([ARN.other]);
    expect(uids(await get("provider=gcp"))).toEqual([]);
    expect(uids(await get("q=PAYMENTS"))).toEqual([ARN.pay]); // name, case-insensitive
    expect(uids(await get("q=pci:scope%3Dcde"))).toEqual([ARN.db]); // a key=value tag
    expect(uids(await get("q=i-other"))).toEqual([ARN.other]); // the uid
    expect(uids(await get("kind=instance&account=111111111111"))).toEqual([ARN.pay, ARN.web]);
  });

  it("pages with a cursor, without gaps or repeats", async () => {
    const t = await seededTenant();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { json: { items: { uid: string }[]; nextCursor: string | null } } = await call("GET", `/v1/resources?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { key: t.read });
      seen.push(...uids(res));
      cursor = res.json.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...Object.values(ARN)].sort());
  });

  it("rejects bad filters", async () => {
    const t = await newTenant();
    expectError(await call("GET", "/v1/resources?limit=501", { key: t.read }), 400, "INVALID_REQUEST");
    expectError(await call("GET", "/v1/resources?limit=0", { key: t.read }), 400, "INVALID_REQUEST");
    expectError(await call("GET", "/v1/resources?scope=maybe", { key: t.read }), 400, "INVALID_REQUEST");
    expectError(await call("GET", "/v1/resources?kind=spaceship", { key: t.read }), 400, "INVALID_REQUEST");
    expectError(await call("GET", "/v1/resources?cursor=garbage", { key: t.read }), 400, "INVALID_REQUEST");
  });

  it("needs a key and never shows another tenant's resources", async () => {
    expectError(await call("GET", "/v1/resources"), 401, "UNAUTHENTICATED");
    await seededTenant();
    const t = await newTenant();
    expect((await call("GET", "/v1/resources", { key: t.read })).json.items).toEqual([]);
  });
});
