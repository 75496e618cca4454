import { describe, expect, it } from "vitest";
import { ARN, seededTenant } from "../../fixtures.js";
import { call, expectError, flowEdge, ingest, newCollector, newTenant, type Json } from "../../helpers.js";

/** The seeded tenant with payments-api (which talks to the card database) declared out of scope: a segmentation violation. */
async function tenantWithViolation() {
  const t = await seededTenant();
  expect((await call("POST", "/v1/overrides", { key: t.admin, body: { uid: ARN.pay, scope: "out_of_scope", justification: "declared out of scope for the test" } })).status).toBe(201);
  return t;
}

describe("GET /v1/violations names the resources each violation is about", () => {
  it("subjectNames maps each subject uid to its resource's name", async () => {
    const t = await tenantWithViolation();
    const res = await call("GET", "/v1/violations?status=open", { key: t.read });
    expect(res.status).toBe(200);
    const v = (res.json.items as Json[]).find((x) => x.kind === "flow_cde_out_of_scope" && x.subjects.includes(ARN.pay));
    expect(v).toBeDefined();
    expect(v.subjectNames[ARN.pay]).toBe("payments-api");
    // Every subject that is a resource is named, and only subjects are.
    for (const uid of v.subjects as string[]) if (!uid.startsWith("ip:")) expect(v.subjectNames[uid], uid).toBeTypeOf("string");
    expect(Object.keys(v.subjectNames).every((uid: string) => v.subjects.includes(uid))).toBe(true);
  });

  it("an unmapped address has no name (it is not a resource)", async () => {
    const t = await seededTenant();
    const c = await newCollector(t);
    // An address no resource owns talks to the card database.
    await ingest(c, { kind: "flows", window: { from: 300, to: 600 }, edges: [flowEdge("10.0.77.7", "10.0.3.10", 5432, { bytes: 10 })] }, 1);
    let items: Json[] = [];
    for (let i = 0; i < 50 && !items.some((x) => x.kind === "unmapped_ip_to_cde"); i++) {
      items = (await call("GET", "/v1/violations?status=open", { key: t.read })).json.items;
      if (!items.some((x) => x.kind === "unmapped_ip_to_cde")) await new Promise((r) => setTimeout(r, 100));
    }
    const v = items.find((x) => x.kind === "unmapped_ip_to_cde");
    expect(v).toBeDefined();
    const ip = v.subjects.find((s: string) => s.startsWith("ip:"));
    expect(ip).toBeDefined();
    expect(v.subjectNames[ip]).toBeUndefined();
    expect(v.subjectNames[ARN.db]).toBe("cards");
  });

  it("bad input is still refused; no key is 401; another tenant sees none of these names", async () => {
    const t = await tenantWithViolation();
    expectError(await call("GET", "/v1/violations?status=maybe", { key: t.read }), 400, "INVALID_REQUEST");
    expectError(await call("GET", "/v1/violations"), 401, "UNAUTHENTICATED");
    const other = await newTenant();
    const theirs = await call("GET", "/v1/violations?status=open", { key: other.read });
    expect(theirs.json.items).toEqual([]);
    expect(JSON.stringify(theirs.json)).not.toContain("payments-api");
  });
});
