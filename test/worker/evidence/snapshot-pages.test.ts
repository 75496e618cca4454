import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import { call, ingest, newCollector, newTenant, resource, scan, type Json } from "../helpers.js";

describe("scope snapshot of a tenant larger than one decision page", () => {
  it("holds every resource once with its decision and reasons across the 1,000-row page boundaries", async () => {
    const t = await newTenant();
    const c = await newCollector(t);
    const N = 2_345;
    const uid = (i: number) => `arn:aws:ec2:eu-west-1:111111111111:instance/i-${String(i).padStart(5, "0")}`;
    expect((await ingest(c, scan("big", Array.from({ length: N }, (_, i) => resource(uid(i), { name: `host-${i}`, tags: i % 10 === 0 ? { "pci:scope": "cde" } : {} }))), 1)).status).toBe(200);
    const res = await call("POST", "/v1/evidence", { key: t.admin, body: { kinds: ["scope_snapshot"] } });
    expect(res.status).toBe(201);
    const raw = await call("GET", `/v1/evidence/${res.json.artifacts[0].id}/json`, { key: t.read });
    const text = JSON.stringify(raw.json);
    expect(canonicalize(raw.json)).toBe(text);
    const body = raw.json.body;
    expect(body.counts).toEqual({ byScope: { cde: Math.ceil(N / 10), out_of_scope: N - Math.ceil(N / 10) }, total: N });
    expect(body.resources.map((r: Json) => r.uid)).toEqual(Array.from({ length: N }, (_, i) => uid(i)));
    // Version 2: each distinct reason once (the tag and no-path reasons here), resources name them by index.
    expect(body.format).toBe("psg-scope-snapshot/2");
    expect(new Set(body.reasons.map((r: Json) => JSON.stringify(r))).size).toBe(body.reasons.length);
    expect(body.reasons.length).toBeLessThan(10);
    // Every resource's reasons, looked up in the table, are exactly its decision's (the engine's own, as the export lists them).
    const exported = (await call("GET", "/v1/exports/inventory.json", { key: t.read })).json.resources;
    expect(exported).toHaveLength(N);
    for (const [i, r] of body.resources.entries()) {
      expect(r.uid).toBe(exported[i].uid);
      expect(r.reasonRefs.map((ref: number) => canonicalize(body.reasons[ref]))).toEqual(exported[i].reasons.map((x: Json) => canonicalize(x)));
    }
    for (const i of [999, 1000, 1999, 2000]) {
      const detail = (await call("GET", `/v1/resources/${encodeURIComponent(uid(i))}`, { key: t.read })).json;
      expect(body.resources[i]).toMatchObject({ uid: uid(i), name: `host-${i}`, scope: detail.decision.scope });
      expect(body.resources[i].reasonRefs.map((ref: number) => body.reasons[ref])).toEqual(detail.decision.reasons);
    }
  });
});
