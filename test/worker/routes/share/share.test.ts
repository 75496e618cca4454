import { env } from "cloudflare:workers";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { verifyPackage } from "../../../../collector/src/verify/package.js";
import { ARN, seededTenant } from "../../fixtures.js";
import { call, expectError, newTenant } from "../../helpers.js";

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

async function link(key: string, grants: unknown, days = 30) {
  const res = await call("POST", "/v1/share-links", { key, body: { grants, expiresAt: inDays(days) } });
  expect(res.status).toBe(201);
  return res.json as { token: string; link: { id: string } };
}

describe("share API (the auditor's side)", () => {
  it("a scope + evidence link sees scope, reasons, evidence and the package, and every access is logged", async () => {
    const t = await seededTenant();
    const gen = await call("POST", "/v1/evidence", { key: t.admin, body: {} });
    const l = await link(t.admin, { scope: true, evidence: "all" });
    const as = (path: string) => call("GET", path, { key: l.token, headers: { "user-agent": "qsa-browser", "cf-connecting-ip": "198.51.100.7" } });

    const info = await as("/v1/share");
    expect(info.status).toBe(200);
    expect(info.json.link.grants).toEqual({ scope: true, evidence: "all" });
    expect((await as("/v1/share/scope/summary")).json.resources.total).toBe(5);
    expect((await as("/v1/share/resources?scope=cde")).json.items.map((r: { uid: string }) => r.uid)).toContain(ARN.db);
    const db = await as(`/v1/share/resources/${encodeURIComponent(ARN.db)}`);
    expect(db.json.decision.reasons[0].rule).toBe("tag.pci_scope");
    const ev = await as("/v1/share/evidence");
    expect(ev.json.items).toHaveLength(6);
    const id = gen.json.artifacts[2].id;
    expect((await as(`/v1/share/evidence/${id}`)).json.kind).toBe("network_diagram");
    expect((await as(`/v1/share/evidence/${id}/svg`)).status).toBe(200);
    expect((await as("/v1/share/evidence/jwks")).json.keys).toHaveLength(1);

    const pkg = await env.BLOBS.list(); // (storage untouched by reads)
    expect(pkg).toBeTruthy();
    const { exports } = await import("cloudflare:workers");
    const zipRes = await exports.default.fetch(new Request("http://api.test/v1/share/evidence/package", { headers: { authorization: `Bearer ${l.token}` } }));
    expect(zipRes.status).toBe(200);
    const zip = new Uint8Array(await zipRes.arrayBuffer());
    expect(Object.keys(unzipSync(zip))).toContain("report.pdf");
    expect((await verifyPackage(zip)).ok).toBe(true);

    const access = await call("GET", `/v1/share-links/${l.link.id}/access`, { key: t.admin });
    expect(access.json.items.length).toBeGreaterThanOrEqual(9);
    expect(access.json.items.at(-1)).toMatchObject({ method: "GET", path: "/v1/share", status: 200, ip: "198.51.100.7", userAgent: "qsa-browser" });
    expect(access.json.link.lastAccessAt).not.toBeNull();
  });

  it("grants are enforced: scope-only sees no evidence; chosen evidence sees only those artifacts", async () => {
    const t = await seededTenant();
    const gen = await call("POST", "/v1/evidence", { key: t.admin, body: {} });
    const scopeOnly = await link(t.admin, { scope: true, evidence: "none" });
    expectError(await call("GET", "/v1/share/evidence", { key: scopeOnly.token }), 403, "FORBIDDEN");
    expectError(await call("GET", "/v1/share/evidence/package", { key: scopeOnly.token }), 403, "FORBIDDEN");
    const [snap, seg] = gen.json.artifacts;
    const chosen = await link(t.admin, { scope: false, evidence: [snap.id] });
    expectError(await call("GET", "/v1/share/resources", { key: chosen.token }), 403, "FORBIDDEN");
    expectError(await call("GET", "/v1/share/scope/summary", { key: chosen.token }), 403, "FORBIDDEN");
    expect((await call("GET", "/v1/share/evidence", { key: chosen.token })).json.items.map((a: { id: string }) => a.id)).toEqual([snap.id]);
    expect((await call("GET", `/v1/share/evidence/${snap.id}/json`, { key: chosen.token })).status).toBe(200);
    expectError(await call("GET", `/v1/share/evidence/${seg.id}`, { key: chosen.token }), 404, "NOT_FOUND");
    expectError(await call("GET", `/v1/share/evidence/${seg.id}/json`, { key: chosen.token }), 404, "NOT_FOUND");
  });

  it("nothing else: every write, admin route and other tenant answers 403/404", async () => {
    const t = await seededTenant();
    const other = await seededTenant();
    const otherGen = await call("POST", "/v1/evidence", { key: other.admin, body: { kinds: ["scope_snapshot"] } });
    const l = await link(t.admin, { scope: true, evidence: "all" });
    const k = { key: l.token };
    for (const [method, path] of [
      ["GET", "/v1/resources"],
      ["GET", "/v1/scope/summary"],
      ["GET", "/v1/evidence"],
      ["POST", "/v1/evidence"],
      ["GET", "/v1/share-links"],
      ["POST", "/v1/share-links"],
      ["POST", "/v1/overrides"],
      ["DELETE", `/v1/overrides/${encodeURIComponent(ARN.db)}`],
      ["GET", "/v1/users"],
      ["POST", "/v1/api-keys"],
      ["POST", "/v1/enrollment-tokens"],
      ["GET", "/v1/collectors"],
      ["POST", "/v1/admin/tenants"],
      ["POST", "/v1/share/evidence"],
      ["DELETE", "/v1/share"],
      ["PUT", "/v1/share/resources"],
    ] as const) {
      const res = await call(method, path, { ...k, body: method === "GET" ? undefined : {} });
      expect([403, 404], `${method} ${path} → ${res.status}`).toContain(res.status);
    }
    // Another tenant's artifacts and resources do not exist through this link.
    expectError(await call("GET", `/v1/share/evidence/${otherGen.json.artifacts[0].id}`, k), 404, "NOT_FOUND");
    expectError(await call("GET", `/v1/share/evidence/${otherGen.json.artifacts[0].id}/json`, k), 404, "NOT_FOUND");
    const mine = (await call("GET", "/v1/share/resources", k)).json.items.map((r: { uid: string }) => r.uid);
    expect(mine).toHaveLength(5);
    // Both tenants use the same ARNs in the fixture; the link's view is its own tenant's object.
    const t3 = await newTenant();
    const l3 = await link(t3.admin, { scope: true, evidence: "none" });
    expect((await call("GET", "/v1/share/resources", { key: l3.token })).json.items).toEqual([]);
    expectError(await call("GET", `/v1/share/resources/${encodeURIComponent(ARN.db)}`, { key: l3.token }), 404, "NOT_FOUND");
  });

  it("expired or revoked links get a clear 410; unknown or missing tokens 404/401; the attempts are logged", async () => {
    const t = await seededTenant();
    const l = await link(t.admin, { scope: true, evidence: "none" });
    await call("DELETE", `/v1/share-links/${l.link.id}`, { key: t.admin });
    const revoked = expectError(await call("GET", "/v1/share", { key: l.token }), 410, "SHARE_LINK_REVOKED");
    expect(revoked.message).toMatch(/revoked/);
    const e = await link(t.admin, { scope: true, evidence: "none" });
    await env.DB.prepare("UPDATE share_links SET expires_at = ? WHERE id = ?").bind(Date.now() - 1000, e.link.id).run();
    const expired = expectError(await call("GET", "/v1/share/resources", { key: e.token }), 410, "SHARE_LINK_EXPIRED");
    expect(expired.message).toMatch(/expired on/);
    expectError(await call("GET", "/v1/share", { key: "psgl_" + "A".repeat(43) }), 404, "NOT_FOUND");
    expectError(await call("GET", "/v1/share"), 401, "UNAUTHENTICATED");
    expectError(await call("GET", "/v1/share", { key: t.admin }), 401, "UNAUTHENTICATED");
    const log = await call("GET", `/v1/share-links/${e.link.id}/access`, { key: t.admin });
    expect(log.json.items[0]).toMatchObject({ path: "/v1/share/resources", status: 410 });
    expect(log.json.link.status).toBe("expired");
  });
});
