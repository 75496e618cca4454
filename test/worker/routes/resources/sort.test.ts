import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tenantScope } from "../../../../worker/durable-objects/tenant-scope/client.js";
import type { TenantScope } from "../../../../worker/durable-objects/tenant-scope/object.js";
import { listSortedResources, RESOURCE_SORTS } from "../../../../worker/durable-objects/tenant-scope/resource-list.js";
import { ARN, seededTenant } from "../../fixtures.js";
import { call, expectError, newTenant, type Json } from "../../helpers.js";

type Item = { uid: string; name: string; kind: string; account: string; scope: string | null; confidence: number | null };
const items = (res: { json: Json }) => res.json.items as Item[];

/** Follows nextCursor to the end and returns every item. */
async function all(key: string, query: string, limit = 2): Promise<Item[]> {
  const out: Item[] = [];
  let cursor: string | null = null;
  do {
    const res: { status: number; json: Json } = await call("GET", `/v1/resources?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`, { key });
    expect(res.status).toBe(200);
    out.push(...items(res));
    cursor = res.json.nextCursor;
  } while (cursor);
  return out;
}

const cmp = (a: string | number | null, b: string | number | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
const RANK: Record<string, number> = { cde: 0, security_impacting: 1, connected: 2, out_of_scope: 3 };
function expected(list: Item[], sort: keyof Item, dir: "asc" | "desc"): string[] {
  // Scope sorts by importance (CDE first), not alphabetically.
  const key = (r: Item) => (sort === "scope" ? (r.scope === null ? null : RANK[r.scope]!) : r[sort]);
  const classified = list.filter((r) => !(sort === "scope" || sort === "confidence") || r[sort] !== null);
  const tail = list.filter((r) => !classified.includes(r)).sort((a, b) => cmp(a.uid, b.uid));
  const s = dir === "asc" ? 1 : -1;
  return [...classified.sort((a, b) => s * (cmp(key(a), key(b)) || cmp(a.uid, b.uid))), ...tail].map((r) => r.uid);
}

describe("GET /v1/resources?sort=&dir=", () => {
  it("sorts by name, kind, scope, confidence and account, both ways, paging without gaps or repeats", async () => {
    const t = await seededTenant();
    const base = items(await call("GET", "/v1/resources", { key: t.read }));
    expect(base).toHaveLength(5);
    expect(base.every((r) => r.scope !== null && r.confidence !== null)).toBe(true);
    for (const sort of ["name", "kind", "scope", "confidence", "account"] as const) {
      for (const dir of ["asc", "desc"] as const) {
        expect((await all(t.read, `sort=${sort}&dir=${dir}`)).map((r) => r.uid), `${sort} ${dir}`).toEqual(expected(base, sort, dir));
      }
    }
    expect((await all(t.read, "sort=name")).map((r) => r.name)).toEqual(["cards", "other-account-box", "payments-api", "sg-pay", "web-frontend"]);
    expect((await all(t.read, "sort=scope")).map((r) => r.scope)[0]).toBe("cde");
    expect((await all(t.read, "sort=uid&dir=desc")).map((r) => r.uid)).toEqual([...Object.values(ARN)].sort().reverse());
  });

  it("sort combines with filters and search", async () => {
    const t = await seededTenant();
    expect((await all(t.read, "sort=name&dir=desc&kind=instance&account=111111111111")).map((r) => r.name)).toEqual(["web-frontend", "payments-api"]);
    expect((await all(t.read, "sort=confidence&q=pay")).map((r) => r.uid).sort()).toEqual([ARN.pay, ARN.sg].sort());
    expect((await all(t.read, "sort=scope&scope=cde")).map((r) => r.uid)).toContain(ARN.db);
  });

  it("resources without a decision come after the classified ones when sorted by scope or confidence", async () => {
    const t = await seededTenant();
    await runInDurableObject(tenantScope(env, t.tenantId), (_i: TenantScope, state) => {
      state.storage.sql.exec("DELETE FROM decisions WHERE uid = ?", ARN.web);
    });
    for (const q of ["sort=scope", "sort=scope&dir=desc", "sort=confidence&dir=desc"]) {
      const uids = (await all(t.read, q)).map((r) => r.uid);
      expect(uids).toHaveLength(5);
      expect(uids.at(-1), q).toBe(ARN.web);
    }
    expect((await all(t.read, "sort=scope&scope=unclassified")).map((r) => r.uid)).toEqual([ARN.web]);
  });

  it("every order is read from an index: SQLite never sorts the tenant", async () => {
    const t = await seededTenant();
    await runInDurableObject(tenantScope(env, t.tenantId), (_i: TenantScope, state) => {
      const sql = state.storage.sql;
      const run: [string, unknown[]][] = [];
      const spy = { exec: (q: string, ...args: unknown[]) => (run.push([q, args]), sql.exec(q, ...(args as never[]))) } as unknown as SqlStorage;
      for (const sort of RESOURCE_SORTS) {
        for (const dir of ["asc", "desc"] as const) {
          const first = listSortedResources(spy, { sort, dir, limit: 2 });
          listSortedResources(spy, { sort, dir, limit: 2, cursor: first.nextCursor! });
        }
      }
      expect(run.length).toBeGreaterThanOrEqual(24);
      for (const [q, args] of run) {
        const plan = sql.exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${q}`, ...(args as never[])).toArray().map((r) => r.detail).join("\n");
        expect(plan, q).not.toMatch(/TEMP B-TREE/);
        expect(plan, q).not.toMatch(/SCAN (r|d)\b(?! USING)/);
      }
    });
  });

  it("a search in name order tests each row on the name index alone (it covers `search`), and still finds names, tags and uids", async () => {
    const t = await seededTenant();
    expect((await all(t.read, "sort=name&q=PAYMENTS")).map((r) => r.uid)).toEqual([ARN.pay]);
    expect((await all(t.read, "sort=name&dir=desc&q=pci:scope%3Dcde")).map((r) => r.uid)).toEqual([ARN.db]);
    await runInDurableObject(tenantScope(env, t.tenantId), (_i: TenantScope, state) => {
      const sql = state.storage.sql;
      const run: [string, unknown[]][] = [];
      const spy = { exec: (q: string, ...args: unknown[]) => (run.push([q, args]), sql.exec(q, ...(args as never[]))) } as unknown as SqlStorage;
      for (const dir of ["asc", "desc"] as const) {
        const first = listSortedResources(spy, { sort: "name", dir, q: "e", limit: 1 });
        listSortedResources(spy, { sort: "name", dir, q: "e", limit: 1, cursor: first.nextCursor! });
      }
      expect(run).toHaveLength(4);
      for (const [q, args] of run) {
        const plan = sql.exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${q}`, ...(args as never[])).toArray().map((r) => r.detail).join("\n");
        expect(plan, q).toMatch(/^(SCAN|SEARCH) r USING INDEX resources_name_search/);
        // The row is read only once the index entry passed the filter (SQLite's deferred seek).
        const ops = sql.exec<{ opcode: string }>(`EXPLAIN ${q}`, ...(args as never[])).toArray().map((r) => r.opcode);
        expect(ops, q).toContain("DeferredSeek");
      }
    });
  });

  it("bad input: unknown sort or dir is 400; a cursor is valid only with the sort and dir it came from", async () => {
    const t = await seededTenant();
    expectError(await call("GET", "/v1/resources?sort=size", { key: t.read }), 400, "INVALID_REQUEST");
    expectError(await call("GET", "/v1/resources?sort=name&dir=up", { key: t.read }), 400, "INVALID_REQUEST");
    const byName = (await call("GET", "/v1/resources?sort=name&limit=2", { key: t.read })).json.nextCursor as string;
    const byUid = (await call("GET", "/v1/resources?limit=2", { key: t.read })).json.nextCursor as string;
    const e1 = expectError(await call("GET", `/v1/resources?sort=kind&limit=2&cursor=${byName}`, { key: t.read }), 400, "INVALID_REQUEST");
    expect(e1.message).toContain("cursor");
    expectError(await call("GET", `/v1/resources?sort=name&dir=desc&limit=2&cursor=${byName}`, { key: t.read }), 400, "INVALID_REQUEST");
    expectError(await call("GET", `/v1/resources?sort=name&limit=2&cursor=${byUid}`, { key: t.read }), 400, "INVALID_REQUEST");
    expectError(await call("GET", `/v1/resources?limit=2&cursor=${byName}`, { key: t.read }), 400, "INVALID_REQUEST");
  });

  it("security: no key 401; another tenant sorts only its own (none)", async () => {
    const t = await seededTenant();
    expectError(await call("GET", "/v1/resources?sort=name"), 401, "UNAUTHENTICATED");
    const other = await newTenant();
    expect(items(await call("GET", "/v1/resources?sort=name&dir=desc", { key: other.read }))).toEqual([]);
    const cursor = (await call("GET", "/v1/resources?sort=name&limit=1", { key: t.read })).json.nextCursor as string;
    expect(items(await call("GET", `/v1/resources?sort=name&limit=1&cursor=${cursor}`, { key: other.read }))).toEqual([]);
  });
});
