import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tenantScope } from "../../../../worker/durable-objects/tenant-scope/client.js";
import { cefExtensionValue, cefHeaderField, cefLine } from "../../../../worker/services/exports/cef.js";
import type { Finding } from "../../../../worker/services/exports/findings.js";
import { inventoryCsv, inventoryJson } from "../../../../worker/services/exports/inventory.js";
import { ARN, seededTenant } from "../../fixtures.js";
import { call, coverage, expectError, ingest, newCollector, newTenant, resource, scan, type Json } from "../../helpers.js";
import { scopeTenant, U } from "../violations/scenario.js";
import { parseCef, parseCsv } from "./parse.js";

const HEADER = ["uid", "provider", "account", "region", "kind", "name", "scope", "confidence", "overridden", "stale", "deciding_rule", "pci", "reasons_summary"];

async function text(iter: AsyncIterable<string>) {
  let out = "";
  for await (const s of iter) out += s;
  return out;
}

/** A tenant whose resource names need every CSV escape and a spreadsheet-formula guard. */
async function awkwardTenant() {
  const t = await newTenant();
  const c = await newCollector(t);
  const names = ['comma, "quoted"', "line\nbreak", "=HYPERLINK(\"http://x\")", "plain"];
  const res = await ingest(c, scan("s1", names.map((name, i) => resource(`arn:aws:ec2:eu-west-1:111111111111:instance/i-${i}`, { name, tags: i === 3 ? { "pci:scope": "cde" } : {} }))), 1);
  expect(res.status).toBe(200);
  return { t, names };
}

describe("GET /v1/exports/inventory.*", () => {
  it("CSV: one row per resource with scope, confidence, deciding rule and reasons; parses back with RFC 4180 quoting", async () => {
    const t = await seededTenant();
    const r = await call("GET", "/v1/exports/inventory.csv", { key: t.read });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(r.headers.get("content-disposition")).toMatch(/^attachment; filename="psg-.*-inventory\.csv"$/);
    const body = r.json as string;
    expect(body.endsWith("\r\n")).toBe(true);
    const rows = parseCsv(body);
    expect(rows[0]).toEqual(HEADER);
    expect(rows).toHaveLength(6);
    const byUid = new Map(rows.slice(1).map((row) => [row[0], Object.fromEntries(HEADER.map((h, i) => [h, row[i]]))]));
    expect(byUid.get(ARN.db)).toMatchObject({ provider: "aws", account: "111111111111", region: "eu-west-1", kind: "database", name: "cards", scope: "cde", deciding_rule: "tag.pci_scope", overridden: "false", stale: "false" });
    expect(Number(byUid.get(ARN.db)!.confidence)).toBeGreaterThan(0.9);
    expect(byUid.get(ARN.db)!.reasons_summary).toMatch(/^tag\.pci_scope: /);
    expect(byUid.get(ARN.db)!.pci).toMatch(/PCI DSS/);
    expect(byUid.get(ARN.other)!.account).toBe("222222222222");
    // Filters pass through to the listing.
    const cde = parseCsv((await call("GET", "/v1/exports/inventory.csv?scope=cde", { key: t.read })).json);
    expect(cde.slice(1).map((row) => row[0])).toContain(ARN.db);
    expect(cde.slice(1).every((row) => row[6] === "cde")).toBe(true);
    expect(cde.length).toBeLessThan(rows.length);
  });

  it("CSV quoting: commas, quotes and line breaks survive a round trip; formula-looking cells are neutralised", async () => {
    const { t, names } = await awkwardTenant();
    const rows = parseCsv((await call("GET", "/v1/exports/inventory.csv", { key: t.admin })).json);
    expect(rows).toHaveLength(5);
    expect(rows.every((row) => row.length === HEADER.length)).toBe(true);
    const got = rows.slice(1).map((row) => row[5]);
    expect(got).toEqual([names[0], names[1], `'${names[2]}`, names[3]]);
  });

  it("JSON: the same resources with tags, timestamps and full reasons (evidence included)", async () => {
    const t = await seededTenant();
    const r = await call("GET", "/v1/exports/inventory.json", { key: t.read });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    const doc = r.json;
    expect(doc).toMatchObject({ format: "psg-inventory/1", tenantId: t.tenantId, filter: {} });
    expect(doc.resources).toHaveLength(5);
    const db = doc.resources.find((x: Json) => x.uid === ARN.db);
    expect(db).toMatchObject({ scope: "cde", decidingRule: "tag.pci_scope", tags: { "pci:scope": "cde" }, firstSeen: expect.stringMatching(/Z$/) });
    expect(db.reasons[0]).toMatchObject({ rule: "tag.pci_scope", scope: "cde", pci: expect.any(Array), evidence: [{ type: "tag", key: "pci:scope", value: "cde" }] });
    // An empty tenant is still a valid document.
    const empty = await newTenant();
    expect((await call("GET", "/v1/exports/inventory.json", { key: empty.read })).json.resources).toEqual([]);
  });

  it("streams page by page: small pages give exactly the single-page output", async () => {
    const t = await seededTenant();
    const reader = tenantScope(env, t.tenantId);
    const big = await text(inventoryCsv(reader, {}, { pageSize: 500 }));
    const small = await text(inventoryCsv(reader, {}, { pageSize: 2 }));
    expect(small).toBe(big);
    const pages: string[] = [];
    for await (const chunk of inventoryCsv(reader, {}, { pageSize: 2 })) pages.push(chunk);
    expect(pages).toHaveLength(3);
    const json = JSON.parse(await text(inventoryJson(reader, t.tenantId, 0, {}, { pageSize: 2 })));
    expect(json.resources.map((x: Json) => x.uid)).toEqual(parseCsv(big).slice(1).map((row) => row[0]));
    // A filter that leaves pages empty: the header still comes first, and empty pages send nothing.
    const other: string[] = [];
    for await (const chunk of inventoryCsv(reader, { account: "222222222222" }, { pageSize: 1 })) other.push(chunk);
    expect(other[0]).toMatch(/^uid,provider,/);
    expect(other.slice(1).every((c) => c.length > 0)).toBe(true);
    expect(parseCsv(other.join("")).slice(1).map((row) => row[0])).toEqual([ARN.other]);
  });

  it("a tenant larger than one decision page: every resource once, nothing lost or repeated at the page boundaries, filters across pages", async () => {
    const t = await newTenant();
    const c = await newCollector(t);
    const N = 2_345;
    const uid = (i: number) => `arn:aws:ec2:eu-west-1:111111111111:instance/i-${String(i).padStart(5, "0")}`;
    const res = await ingest(c, scan("big", Array.from({ length: N }, (_, i) => resource(uid(i), { name: `host-${i}`, tags: i % 10 === 0 ? { "pci:scope": "cde" } : {} }))), 1);
    expect(res.status).toBe(200);
    const reader = tenantScope(env, t.tenantId);
    const pages: string[] = [];
    for await (const chunk of inventoryCsv(reader, {})) pages.push(chunk);
    // 1,000 decisions a page: three pages, boundaries after i-00999 and i-01999.
    expect(pages).toHaveLength(3);
    const rows = parseCsv(pages.join("")).slice(1);
    expect(rows.map((row) => row[0])).toEqual(Array.from({ length: N }, (_, i) => uid(i)));
    for (const i of [0, 999, 1000, 1999, 2000, N - 1]) {
      const d = (await reader.getResource(uid(i), 0))!.decision!;
      expect(rows[i]).toMatchObject({ 0: uid(i), 5: `host-${i}`, 6: d.scope, 10: d.reasons[0]!.rule });
    }
    expect(rows.filter((row) => row[6] === "cde")).toHaveLength(Math.ceil(N / 10));
    // The route (default page) and a filter that matches rows on every page.
    const route = parseCsv((await call("GET", "/v1/exports/inventory.csv?scope=cde", { key: t.read })).json).slice(1);
    expect(route.map((row) => row[0])).toEqual(Array.from({ length: Math.ceil(N / 10) }, (_, k) => uid(k * 10)));
    const json = (await call("GET", "/v1/exports/inventory.json", { key: t.read })).json;
    expect(new Set(json.resources.map((x: Json) => x.uid)).size).toBe(N);
    expect(json.resources[1000]).toMatchObject({ uid: uid(1000), reasons: [expect.objectContaining({ rule: expect.any(String) })] });
  });
});

describe("GET /v1/exports/findings.*", () => {
  it("OCSF: one Detection Finding (2004) per violation and scope change, with the required attributes", async () => {
    const { t } = await scopeTenant({ flows: true });
    // An override changes a decision: a scope change for the SIEM.
    expect((await call("POST", "/v1/overrides", { key: t.admin, body: { uid: U.crm, scope: "connected", justification: "Reads card tokens for refunds" } })).status).toBe(201);
    const violations = (await call("GET", "/v1/violations", { key: t.read })).json.items;
    const changes = (await call("GET", "/v1/drift?kind=scope_changed&limit=500", { key: t.read })).json.items;
    const r = await call("GET", "/v1/exports/findings.ocsf.jsonl", { key: t.read });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const text = r.json as string;
    expect(text.endsWith("\n")).toBe(true);
    const events = text.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(events).toHaveLength(violations.length + changes.length);
    expect(violations.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e).toMatchObject({
        class_uid: 2004,
        category_uid: 2,
        type_uid: 200400 + e.activity_id,
        activity_id: expect.any(Number),
        severity_id: expect.any(Number),
        time: expect.any(Number),
        metadata: { version: expect.stringMatching(/^1\.\d+\.\d+$/), product: { name: "PCI Scope Guard", vendor_name: "PCI Scope Guard" }, tenant_uid: t.tenantId },
        finding_info: { uid: expect.any(String), title: expect.any(String) },
      });
      expect([1, 2, 3]).toContain(e.activity_id);
      expect(e.severity_id).toBeGreaterThanOrEqual(1);
      expect(e.severity_id).toBeLessThanOrEqual(5);
    }
    const flow = events.find((e) => e.finding_info.types[0] === "flow_cde_out_of_scope");
    // The override took the CRM into scope, so its flow violation was resolved by the classification.
    expect(flow).toMatchObject({ severity_id: 5, severity: "Critical", activity_id: 3, status_id: 4, status: "Resolved", resources: [{ uid: U.crm }], unmapped: { pci_dss: expect.arrayContaining(["PCI DSS 1.3.1"]) } });
    const resolved = events.find((e) => e.finding_info.types[0] === "path_cde_out_of_scope");
    expect(resolved).toMatchObject({ activity_id: 3, type_uid: 200403, status_id: 4, comment: "no longer found" });
    expect(changes.length).toBeGreaterThan(0);
    const change = events.find((e) => e.finding_info.types[0] === "scope_changed");
    expect(change).toMatchObject({ resources: [{ uid: U.crm, cloud_partition: "aws" }], unmapped: { pci_dss: ["PCI DSS 12.5.2"], change: { after: { scope: "connected" }, cause: "override" } } });
  });

  it("CEF: `CEF:0|PCI Scope Guard|…` lines that parse back to the same values", async () => {
    const { t } = await scopeTenant({ flows: true });
    const r = await call("GET", "/v1/exports/findings.cef", { key: t.read });
    expect(r.status).toBe(200);
    const lines = (r.json as string).trimEnd().split("\n");
    const violations = (await call("GET", "/v1/violations", { key: t.read })).json.items;
    expect(lines.length).toBeGreaterThanOrEqual(violations.length);
    for (const l of lines) expect(l.startsWith("CEF:0|PCI Scope Guard|PCI Scope Guard|0.1.0|")).toBe(true);
    const parsed = lines.map(parseCef);
    const flow = parsed.find((p) => p.header[4] === "flow_cde_out_of_scope")!;
    const v = violations.find((x: Json) => x.kind === "flow_cde_out_of_scope");
    expect(flow.header[6]).toBe("10");
    expect(flow.ext).toMatchObject({ externalId: `violation:${v.id}`, msg: v.summary, cs2: U.crm, cs3: t.tenantId, cs4: "open", cs1Label: "PCI DSS" });
    expect(Number(flow.ext.rt)).toBeGreaterThan(0);
    // `since` in the future leaves nothing to send.
    expect((await call("GET", `/v1/exports/findings.cef?since=${Date.now() + 3_600_000}`, { key: t.read })).json).toBeNull();
    expectError(await call("GET", "/v1/exports/findings.cef?since=yesterday", { key: t.read }), 400, "INVALID_REQUEST");
  });

  it("CEF escaping per the spec: header `\\` and `|`; extension `\\`, `=` and line breaks", () => {
    expect(cefHeaderField("a|b\\c")).toBe("a\\|b\\\\c");
    expect(cefExtensionValue("x=1\\y|z\nw\r")).toBe("x\\=1\\\\y|z\\nw\\r");
    const f: Finding = {
      uid: "violation:abc",
      source: "violation",
      kind: "flow|cde",
      severity: "high",
      title: "Title with | pipe and \\ slash",
      summary: "msg=with equals \\ backslash | pipe\nand a newline cs2=fake",
      pci: ["PCI DSS 1.3.1"],
      subjects: ["arn:aws:x=y"],
      status: "acknowledged",
      statusComment: null,
      time: 1,
      firstSeen: 1,
      lastSeen: 2,
      evidence: [],
    };
    const line = cefLine(f, "ten_1");
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/[\r\n]/);
    const { header, ext } = parseCef(line.slice(0, -1));
    expect(header).toEqual(["CEF:0", "PCI Scope Guard", "PCI Scope Guard", "0.1.0", "flow|cde", "Title with | pipe and \\ slash", "8"]);
    expect(ext.msg).toBe(f.summary);
    expect(ext.cs2).toBe("arn:aws:x=y");
    expect(ext.cs4).toBe("acknowledged");
  });
});

describe("exports: security", () => {
  const paths = ["/v1/exports/inventory.csv", "/v1/exports/inventory.json", "/v1/exports/findings.ocsf.jsonl", "/v1/exports/findings.cef"];

  it("no or bad credentials → 401; a share link or a collector's enrollment token → 403/401; unknown export → 404", async () => {
    const t = await seededTenant();
    const link = await call("POST", "/v1/share-links", { key: t.admin, body: { grants: { scope: true, evidence: "all" }, expiresAt: new Date(Date.now() + 86_400_000).toISOString() } });
    for (const p of paths) {
      expectError(await call("GET", p), 401, "UNAUTHENTICATED");
      expectError(await call("GET", p, { key: "psg_nope" }), 401, "UNAUTHENTICATED");
      expectError(await call("GET", p, { key: link.json.token }), 403, "FORBIDDEN");
      for (const m of ["POST", "DELETE"]) expect([404, 405]).toContain((await call(m, p, { key: t.admin, body: {} })).status);
    }
    expectError(await call("GET", "/v1/exports/inventory.xlsx", { key: t.read }), 404, "NOT_FOUND");
    expectError(await call("GET", "/v1/exports/inventory.csv?scope=everything", { key: t.read }), 400, "INVALID_REQUEST");
  });

  it("a tenant's export holds only its own resources and findings", async () => {
    const a = await scopeTenant({ flows: true });
    const b = await newTenant();
    const c = await newCollector(b);
    await ingest(c, scan("s1", [resource("arn:aws:ec2:eu-west-1:333333333333:instance/i-b", { account: "333333333333" })], { coverage: [coverage(["instance"], "ok", { account: "333333333333" })] }), 1);
    const rows = parseCsv((await call("GET", "/v1/exports/inventory.csv", { key: b.read })).json);
    expect(rows.slice(1).map((row) => row[0])).toEqual(["arn:aws:ec2:eu-west-1:333333333333:instance/i-b"]);
    const json = (await call("GET", "/v1/exports/inventory.json", { key: b.read })).json;
    expect(json.tenantId).toBe(b.tenantId);
    expect(JSON.stringify(json)).not.toContain(U.db);
    expect((await call("GET", "/v1/exports/findings.ocsf.jsonl", { key: b.read })).json ?? "").not.toContain(a.t.tenantId);
    expect((await call("GET", "/v1/exports/findings.cef", { key: b.read })).json ?? "").not.toContain(U.crm);
  });
});
