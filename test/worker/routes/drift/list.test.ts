import { describe, expect, it } from "vitest";
import { call, expectError, ingest, newTenant, type Json } from "../../helpers.js";
import { inventory, problemFlows, scopeTenant, sendFlows, U } from "../violations/scenario.js";

const list = (key: string, q = "") => call("GET", `/v1/drift${q}`, { key });
const summary = (items: Json[]) => items.map((e) => [e.kind, e.uid, e.cause]);

describe("GET /v1/drift", () => {
  it("records drift from flows, overrides and scan commits, newest first; filters by kind, severity, since, uid; pages", async () => {
    const { t, c, seq } = await scopeTenant();
    // The first scan has nothing to compare with.
    expect((await list(t.read)).json).toEqual({ items: [], nextCursor: null });

    await sendFlows(c, problemFlows(), seq());
    const afterFlows = Date.now();
    expect((await call("POST", "/v1/overrides", { key: t.admin, body: { uid: U.crm, scope: "connected", justification: "Reads card tokens for refunds" } })).status).toBe(201);
    // Next scan: a new box, and the CRM is gone.
    const next = inventory("s2", { extra: true });
    next.resources = next.resources.filter((r) => r.uid !== U.crm);
    expect((await ingest(c, next as never, seq())).status).toBe(200);

    const all = (await list(t.read)).json.items as Json[];
    expect(summary(all)).toEqual([
      // The CRM's flow to the database now comes from an address no resource owns.
      ["new_boundary_flow", U.db, "scan"],
      ["resource_added", U.newbox, "scan"],
      ["resource_removed", U.crm, "scan"],
      ["scope_changed", U.crm, "override"],
      ["new_boundary_flow", U.db, "flows"],
      ["new_boundary_flow", U.db, "flows"],
    ]);
    const [unmapped, added, removed, changed] = all;
    expect(unmapped).toMatchObject({ severity: "high", after: { other: "ip:10.0.1.30", otherScope: "unmapped" } });
    expect(added).toMatchObject({ severity: "medium", before: null, after: { kind: "instance", name: "newbox" }, scanId: expect.stringMatching(/\/s2$/), id: expect.stringMatching(/^dft_/) });
    expect(removed).toMatchObject({ before: { kind: "instance", name: "crm", scope: "connected" }, after: null });
    expect(changed).toMatchObject({ severity: "medium", before: { scope: "out_of_scope" }, after: { scope: "connected", rule: "override.manual" }, scanId: null });
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((a, b) => b - a));

    expect(summary((await list(t.read, "?kind=scope_changed")).json.items)).toEqual([["scope_changed", U.crm, "override"]]);
    expect((await list(t.read, "?severity=high")).json.items.every((e: Json) => e.severity === "high")).toBe(true);
    expect((await list(t.read, `?since=${afterFlows}`)).json.items).toHaveLength(4);
    expect((await list(t.read, `?since=${new Date(afterFlows).toISOString()}`)).json.items).toHaveLength(4);
    expect((await list(t.read, `?uid=${encodeURIComponent(U.db)}`)).json.items).toHaveLength(3);

    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await list(t.read, `?limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      ids.push(...page.json.items.map((e: Json) => e.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(ids).toEqual(all.map((e) => e.id));
  });

  it("bad input: unknown kind or severity, a since that is no time, a bad cursor", async () => {
    const t = await newTenant();
    for (const q of ["kind=weather", "severity=urgent", "since=yesterday", "since=-5", "limit=9999"]) expectError(await list(t.read, `?${q}`), 400, "INVALID_REQUEST");
    expectError(await list(t.read, "?cursor=WyJ4Il0"), 400, "INVALID_REQUEST");
  });

  it("security: 401; another tenant sees none of it", async () => {
    const { t } = await scopeTenant({ flows: true });
    expectError(await call("GET", "/v1/drift"), 401, "UNAUTHENTICATED");
    expect((await list(t.read)).json.items.length).toBeGreaterThan(0);
    const other = await newTenant();
    expect((await list(other.read)).json.items).toEqual([]);
    expect((await list(other.read, `?uid=${encodeURIComponent(U.db)}`)).json.items).toEqual([]);
  });
});
