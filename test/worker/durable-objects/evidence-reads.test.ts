import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tenantScope } from "../../../worker/durable-objects/tenant-scope/client.js";
import type { DecisionListItem } from "../../../worker/durable-objects/tenant-scope/interface.js";
import { call } from "../helpers.js";
import { scopeTenant } from "../routes/violations/scenario.js";

describe("TenantScope: the reads evidence makes", () => {
  it("listDecisions pages every resource with its whole decision, equal to listResources and getResource", async () => {
    const { t } = await scopeTenant({ flows: true });
    const stub = tenantScope(env, t.tenantId);
    const items: DecisionListItem[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await stub.listDecisions({ limit: 3, ...(cursor ? { cursor } : {}) });
      expect(page.items.length).toBeLessThanOrEqual(3);
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    const listed = await stub.listResources({ limit: 1000 });
    expect(pages).toBe(Math.ceil(listed.items.length / 3));
    expect(items.map(({ decision: _, ...item }) => item)).toEqual(listed.items);
    // The shared "no path" reason is expanded, as getResource does.
    for (const item of items) expect(item.decision).toEqual((await stub.getResource(item.uid, 0))!.decision);
    expect(items.some((i) => i.decision?.scope === "out_of_scope")).toBe(true);
  });

  it("the segmentation report carries the stored violations, internet_to_cde included, and not resolved ones", async () => {
    const { t } = await scopeTenant({ flows: true });
    const open = (await call("GET", "/v1/violations?status=open&limit=100", { key: t.read })).json.items as { id: string; kind: string }[];
    expect(open.map((v) => v.kind)).toContain("internet_to_cde");
    // Acknowledged stays in the report; resolved by a person leaves it.
    const ack = open.find((v) => v.kind === "internet_to_cde");
    const gone = open.find((v) => v.kind !== "internet_to_cde");
    expect((await call("POST", `/v1/violations/${ack!.id}/acknowledge`, { key: t.admin, body: { comment: "known" } })).status).toBe(200);
    expect((await call("POST", `/v1/violations/${gone!.id}/resolve`, { key: t.admin, body: { comment: "fixed" } })).status).toBe(200);
    const stored = [
      ...(await call("GET", "/v1/violations?status=open&limit=100", { key: t.read })).json.items,
      ...(await call("GET", "/v1/violations?status=acknowledged&limit=100", { key: t.read })).json.items,
    ].map((v: Record<string, unknown>) => ({ id: v.id, kind: v.kind, severity: v.severity, summary: v.summary, pci: v.pci, subjects: v.subjects, evidence: v.evidence }));

    const res = await call("POST", "/v1/evidence", { key: t.admin, body: { kinds: ["segmentation_report"] } });
    expect(res.status).toBe(201);
    const seg = (await call("GET", `/v1/evidence/${res.json.artifacts[0].id}/json`, { key: t.read })).json.body;
    const byId = (a: { id: unknown }, b: { id: unknown }) => (String(a.id) < String(b.id) ? -1 : 1);
    expect([...seg.violations].sort(byId)).toEqual(stored.sort(byId));
    expect(seg.violations.map((v: { id: string }) => v.id)).not.toContain(gone!.id);
    expect(seg.violations.map((v: { kind: string }) => v.kind)).toContain("internet_to_cde");
    expect(seg.counts.violations).toBe(stored.length);
  });
});
