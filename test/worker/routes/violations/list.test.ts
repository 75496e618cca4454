import { describe, expect, it } from "vitest";
import { call, expectError, newTenant, type Json } from "../../helpers.js";
import { scopeTenant, U } from "./scenario.js";

const kinds = (items: Json[]) => items.map((v) => [v.kind, v.severity, v.status]);

describe("GET /v1/violations", () => {
  it("lists the violations the last classification found, critical first, with their lifecycle; filters and pages", async () => {
    const { t } = await scopeTenant({ flows: true });
    const res = await call("GET", "/v1/violations", { key: t.read });
    expect(res.status).toBe(200);
    expect(kinds(res.json.items)).toEqual([
      ["flow_cde_out_of_scope", "critical", "open"],
      ["internet_to_cde", "high", "open"],
      // Found after the scan (crm could reach the CDE by configuration), gone once its flow made it a flow violation.
      ["path_cde_out_of_scope", "high", "resolved"],
      ["unmapped_ip_to_cde", "high", "open"],
    ]);
    const flow = res.json.items[0];
    expect(flow).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{16}$/),
      subjects: [U.crm],
      pci: expect.arrayContaining(["PCI DSS 1.3.1"]),
      statusBy: "system",
      statusComment: null,
      firstSeen: expect.any(Number),
      lastSeen: expect.any(Number),
    });
    expect(flow.evidence).toContainEqual(expect.objectContaining({ type: "flow", bytes: 9000 }));
    expect(res.json.items[2]).toMatchObject({ status: "resolved", statusBy: "system", statusComment: "no longer found" });
    expect(res.json.nextCursor).toBeNull();

    expect(kinds((await call("GET", "/v1/violations?status=open&severity=high", { key: t.read })).json.items)).toEqual([
      ["internet_to_cde", "high", "open"],
      ["unmapped_ip_to_cde", "high", "open"],
    ]);
    expect((await call("GET", "/v1/violations?kind=internet_to_cde", { key: t.read })).json.items[0].subjects).toEqual([U.checkout, U.checkout]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Json = await call("GET", `/v1/violations?limit=1${cursor ? `&cursor=${cursor}` : ""}`, { key: t.read });
      expect(page.json.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.json.items.map((v: Json) => v.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(res.json.items.map((v: Json) => v.id));
  });

  it("bad input: unknown status, severity or kind, a limit out of range, a cursor it did not make", async () => {
    const { t } = await scopeTenant();
    for (const q of ["status=closed", "severity=urgent", "kind=bad_vibes", "limit=0", "limit=501"]) {
      expectError(await call("GET", `/v1/violations?${q}`, { key: t.read }), 400, "INVALID_REQUEST");
    }
    expectError(await call("GET", "/v1/violations?cursor=bm90LWEtY3Vyc29y", { key: t.read }), 400, "INVALID_REQUEST");
  });

  it("security: 401 without a key; another tenant sees none of them", async () => {
    const { t } = await scopeTenant({ flows: true });
    expectError(await call("GET", "/v1/violations"), 401, "UNAUTHENTICATED");
    expectError(await call("GET", "/v1/violations", { key: "psg_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }), 401, "UNAUTHENTICATED");
    expect((await call("GET", "/v1/violations", { key: t.read })).json.items.length).toBeGreaterThan(0);
    const other = await newTenant();
    expect((await call("GET", "/v1/violations", { key: other.read })).json).toEqual({ items: [], nextCursor: null });
  });
});
