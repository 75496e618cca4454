import { env, exports } from "cloudflare:workers";
import { unzipSync, zipSync } from "fflate";
import { flattenedVerify, importJWK, type JWK } from "jose";
import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import { verifyPackage } from "../../../../collector/src/verify/package.js";
import { ARN, seededTenant } from "../../fixtures.js";
import { call, expectError, newTenant } from "../../helpers.js";

const dec = new TextDecoder();
const b64url = (b: Uint8Array) => btoa(String.fromCharCode(...b)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function raw(method: string, path: string, key: string, body?: unknown) {
  const res = await exports.default.fetch(
    new Request(`http://api.test${path}`, { method, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) }),
  );
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()), headers: res.headers };
}

async function verifyDetached(jws: string, payload: Uint8Array, jwks: { keys: JWK[] }) {
  const [protectedHeader, empty, signature] = jws.split(".");
  expect(empty).toBe("");
  const kid = JSON.parse(atob(protectedHeader!.replace(/-/g, "+").replace(/_/g, "/"))).kid;
  const jwk = jwks.keys.find((k) => k.kid === kid)!;
  return flattenedVerify({ protected: protectedHeader!, payload: b64url(payload), signature: signature! }, await importJWK(jwk, "ES256"));
}

describe("evidence: generate, sign, chain, store", () => {
  it("generates every kind, each canonical, hashed, ES256-signed and chained, stored in R2 and indexed in D1", async () => {
    const t = await seededTenant();
    const res = await call("POST", "/v1/evidence", { key: t.admin, body: {} });
    expect(res.status).toBe(201);
    const kinds = res.json.artifacts.map((a: { kind: string }) => a.kind);
    expect(kinds).toEqual(["scope_snapshot", "segmentation_report", "network_diagram", "data_flow_diagram", "drift_report", "audit_log"]);
    const jwks = (await call("GET", `/.well-known/jwks.json?tenant=${t.tenantId}`)).json;
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).not.toHaveProperty("d");

    let prev: string | null = null;
    for (const [i, a] of res.json.artifacts.entries()) {
      expect(a.seq).toBe(i + 1);
      expect(a.prevHash).toBe(prev);
      const json = await raw("GET", `/v1/evidence/${a.id}/json`, t.read);
      expect(json.status).toBe(200);
      const text = dec.decode(json.bytes);
      expect(canonicalize(JSON.parse(text))).toBe(text);
      const digest = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", json.bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
      expect(digest).toBe(a.sha256);
      const jws = dec.decode((await raw("GET", `/v1/evidence/${a.id}/jws`, t.read)).bytes);
      await verifyDetached(jws, json.bytes, jwks);
      const obj = await env.BLOBS.head(`${t.tenantId}/evidence/${a.id}.json`);
      expect(obj?.customMetadata?.sha256).toBe(a.sha256);
      expect(Date.parse(a.retainUntil) - Date.parse(a.createdAt)).toBeGreaterThan(7 * 365 * 86_400_000);
      prev = a.sha256;
    }
    const snapshot = JSON.parse(dec.decode((await raw("GET", `/v1/evidence/${res.json.artifacts[0].id}/json`, t.read)).bytes));
    expect(snapshot.pci).toContain("PCI DSS 12.5.2");
    const db = snapshot.body.resources.find((r: { uid: string }) => r.uid === ARN.db);
    expect(db).toMatchObject({ scope: "cde" });
    expect(snapshot.body.format).toBe("psg-scope-snapshot/2");
    expect(db.reasons).toBeUndefined();
    expect(snapshot.body.reasons[db.reasonRefs[0]].rule).toBe("tag.pci_scope");
    expect(snapshot.body.counts.total).toBe(5);

    const seg = JSON.parse(dec.decode((await raw("GET", `/v1/evidence/${res.json.artifacts[1].id}/json`, t.read)).bytes));
    expect(seg.body.boundary.map((b: { uid: string }) => b.uid)).toContain(ARN.db);
    expect(seg.body.connections.some((c: { cdeUid: string; dstPort: number }) => c.cdeUid === ARN.db && c.dstPort === 5432)).toBe(true);

    const svg = await raw("GET", `/v1/evidence/${res.json.artifacts[3].id}/svg`, t.read);
    expect(svg.headers.get("content-type")).toBe("image/svg+xml");
    expect(dec.decode(svg.bytes)).toContain("<svg");
    const dfd = JSON.parse(dec.decode((await raw("GET", `/v1/evidence/${res.json.artifacts[3].id}/json`, t.read)).bytes));
    const svgHash = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", svg.bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
    expect(dfd.body.svgSha256).toBe(svgHash);

    const list = await call("GET", "/v1/evidence?limit=2", { key: t.read });
    expect(list.json.items.map((x: { seq: number }) => x.seq)).toEqual([6, 5]);
    expect(list.json.nextBeforeSeq).toBe(5);
  });

  it("a second generation continues the chain and its drift report compares with the previous snapshot", async () => {
    const t = await seededTenant();
    const first = await call("POST", "/v1/evidence", { key: t.admin, body: { kinds: ["scope_snapshot"] } });
    await call("POST", "/v1/overrides", { key: t.admin, body: { uid: ARN.pay, scope: "out_of_scope", justification: "declared out of scope by the architect" } });
    const second = await call("POST", "/v1/evidence", { key: t.admin, body: { kinds: ["drift_report"] } });
    expect(second.json.artifacts.map((a: { kind: string }) => a.kind)).toEqual(["scope_snapshot", "segmentation_report", "drift_report"]);
    expect(second.json.artifacts[0].prevHash).toBe(first.json.artifacts[0].sha256);
    const drift = JSON.parse(dec.decode((await raw("GET", `/v1/evidence/${second.json.artifacts[2].id}/json`, t.read)).bytes));
    expect(drift.body.period.from.artifactId).toBe(first.json.artifacts[0].id);
    expect(drift.body.period.to.artifactId).toBe(second.json.artifacts[0].id);
    expect(drift.body.events.some((e: { kind: string; uid: string }) => e.kind === "scope_changed" && e.uid === ARN.pay)).toBe(true);
    // Declared out of scope yet talking to the CDE: a segmentation violation.
    const seg = JSON.parse(dec.decode((await raw("GET", `/v1/evidence/${second.json.artifacts[1].id}/json`, t.read)).bytes));
    expect(seg.body.violations).toEqual([expect.objectContaining({ kind: "flow_cde_out_of_scope", severity: "critical", subjects: [ARN.pay] })]);
  });

  it("the audit log is a hash chain and goes into the evidence", async () => {
    const t = await seededTenant();
    await call("POST", "/v1/overrides", { key: t.admin, body: { uid: ARN.web, scope: "connected", justification: "talks to the payments API" } });
    const res = await call("POST", "/v1/evidence", { key: t.admin, body: { kinds: ["audit_log"] } });
    const art = JSON.parse(dec.decode((await raw("GET", `/v1/evidence/${res.json.artifacts[0].id}/json`, t.read)).bytes));
    const entries = art.body.entries;
    expect(entries.map((e: { action: string }) => e.action)).toContain("override.set");
    let prev: string | null = null;
    for (const e of entries) {
      expect(e.prevHash).toBe(prev);
      const { hash, ...entry } = e;
      const h = Array.from(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonicalize(entry)))), (b) => b.toString(16).padStart(2, "0")).join("");
      expect(h).toBe(hash);
      prev = hash;
    }
    // Append-only: neither a sealed row nor any row can be changed or removed.
    await expect(env.DB.prepare("UPDATE audit_log SET action = 'x' WHERE tenant_id = ? AND hash IS NOT NULL").bind(t.tenantId).run()).rejects.toThrow(/sealed/);
    await expect(env.DB.prepare("DELETE FROM audit_log WHERE tenant_id = ?").bind(t.tenantId).run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("DELETE FROM evidence_artifacts WHERE tenant_id = ?").bind(t.tenantId).run()).rejects.toThrow(/append-only/);
  });

  it("key rotation signs with the new key and keeps the old one verifiable", async () => {
    const t = await seededTenant();
    const a = await call("POST", "/v1/evidence", { key: t.admin, body: { kinds: ["scope_snapshot"] } });
    const rot = await call("POST", "/v1/evidence/keys/rotate", { key: t.admin });
    expect(rot.status).toBe(201);
    expect(rot.json.retired).toBe(a.json.artifacts[0].kid);
    const b = await call("POST", "/v1/evidence", { key: t.admin, body: { kinds: ["scope_snapshot"] } });
    expect(b.json.artifacts[0].kid).toBe(rot.json.kid);
    const jwks = (await call("GET", `/.well-known/jwks.json?tenant=${t.tenantId}`)).json;
    expect(jwks.keys.map((k: JWK) => k.kid)).toEqual([a.json.artifacts[0].kid, rot.json.kid]);
    for (const x of [a, b]) {
      const id = x.json.artifacts[0].id;
      await verifyDetached(dec.decode((await raw("GET", `/v1/evidence/${id}/jws`, t.read)).bytes), (await raw("GET", `/v1/evidence/${id}/json`, t.read)).bytes, jwks);
    }
    const pkg = await raw("POST", "/v1/evidence/package", t.read, { artifactIds: [a.json.artifacts[0].id, b.json.artifacts[0].id] });
    expect((await verifyPackage(pkg.bytes, { pins: jwks.keys.map((k: JWK) => k.kid) })).ok).toBe(true);
  });

  it("a 12.5.2 attestation names the reviewer, the statement and the reviewed snapshot by hash", async () => {
    const t = await seededTenant();
    const res = await call("POST", "/v1/evidence/attestations", { key: t.admin, body: { name: "Ada Admin", title: "CISO", statement: "I reviewed the scope, data flows and segmentation controls; they are accurate." } });
    expect(res.status).toBe(201);
    expect(res.json.kind).toBe("scope_attestation");
    const art = JSON.parse(dec.decode((await raw("GET", `/v1/evidence/${res.json.id}/json`, t.read)).bytes));
    expect(art.body).toMatchObject({ requirement: "PCI DSS 12.5.2", attestor: { name: "Ada Admin", title: "CISO" } });
    const snap = await call("GET", `/v1/evidence/${art.body.reviewed.scopeSnapshot.artifactId}`, { key: t.read });
    expect(snap.json.sha256).toBe(art.body.reviewed.scopeSnapshot.sha256);
    const sp = await call("POST", "/v1/evidence/attestations", { key: t.admin, body: { name: "Ada", statement: "Six-monthly service provider confirmation.", serviceProvider: true, snapshotId: snap.json.id } });
    expect(sp.status).toBe(201);
    expectError(await call("POST", "/v1/evidence/attestations", { key: t.admin, body: { name: "Ada", statement: "too short" } }), 400, "INVALID_REQUEST");
    expectError(await call("POST", "/v1/evidence/attestations", { key: t.admin, body: { name: "Ada", statement: "x".repeat(30), snapshotId: res.json.id } }), 400, "INVALID_REQUEST");
  });

  it("bad input and security: 400, 401, 403, other tenant 404, unknown JWKS tenant 404", async () => {
    const t = await seededTenant();
    const other = await newTenant();
    expectError(await call("POST", "/v1/evidence", { key: t.admin, body: { kinds: ["nonsense"] } }), 400, "INVALID_REQUEST");
    expectError(await call("POST", "/v1/evidence", { body: {} }), 401, "UNAUTHENTICATED");
    expectError(await call("POST", "/v1/evidence", { key: t.read, body: {} }), 403, "FORBIDDEN");
    expectError(await call("POST", "/v1/evidence/keys/rotate", { key: t.read }), 403, "FORBIDDEN");
    expectError(await call("POST", "/v1/evidence/attestations", { key: t.read, body: { name: "Ada", statement: "x".repeat(30) } }), 403, "FORBIDDEN");
    const res = await call("POST", "/v1/evidence", { key: t.admin, body: { kinds: ["scope_snapshot"] } });
    const id = res.json.artifacts[0].id;
    expectError(await call("GET", `/v1/evidence/${id}`, { key: other.admin }), 404, "NOT_FOUND");
    expectError(await call("GET", `/v1/evidence/${id}/json`, { key: other.admin }), 404, "NOT_FOUND");
    expectError(await call("POST", "/v1/evidence/package", { key: other.admin, body: { artifactIds: [id] } }), 404, "NOT_FOUND");
    expectError(await call("POST", "/v1/evidence/package", { key: other.admin, body: {} }), 404, "NOT_FOUND");
    expect((await call("GET", "/v1/evidence", { key: other.admin })).json.items).toEqual([]);
    expectError(await call("GET", "/.well-known/jwks.json?tenant=tnt_nope"), 404, "NOT_FOUND");
    expectError(await call("GET", "/.well-known/jwks.json"), 400, "INVALID_REQUEST");
  });
});

describe("assessor package", () => {
  it("holds artifacts, signatures, diagrams, CSV, PDF, JWKS and a signed manifest, and verifies offline", async () => {
    const t = await seededTenant();
    await call("POST", "/v1/evidence/attestations", { key: t.admin, body: { name: "Ada Admin", statement: "I reviewed the scope and confirm it is accurate." } });
    await call("POST", "/v1/evidence", { key: t.admin, body: {} });
    const pkg = await raw("POST", "/v1/evidence/package", t.read, {});
    expect(pkg.status).toBe(200);
    expect(pkg.headers.get("content-type")).toBe("application/zip");
    const files = unzipSync(pkg.bytes);
    const names = Object.keys(files).sort();
    expect(names).toContain("manifest.json");
    expect(names).toContain("manifest.json.jws");
    expect(names).toContain("jwks.json");
    expect(names).toContain("inventory.csv");
    expect(names).toContain("report.pdf");
    expect(names.filter((n) => n.startsWith("artifacts/") && n.endsWith(".json"))).toHaveLength(7);
    expect(names.filter((n) => n.startsWith("diagrams/"))).toHaveLength(2);
    expect(dec.decode(files["report.pdf"]!.slice(0, 5))).toBe("%PDF-");
    const csv = dec.decode(files["inventory.csv"]!);
    expect(csv.split("\r\n")[0]).toContain("uid,name,provider");
    expect(csv).toContain(`${ARN.db},cards,aws`);
    // The snapshot (v2) names reasons by index; the CSV writes them out.
    expect(csv.split("\r\n").find((l) => l.startsWith(ARN.db))).toContain(",tag.pci_scope,");
    const kid = JSON.parse(dec.decode(files["manifest.json"]!)).kid;
    const result = await verifyPackage(pkg.bytes, { pins: [kid] });
    expect(result.findings.filter((f) => !f.ok)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.summary.chainLength).toBe(11);

    // Tampering with any part fails, naming the part.
    const tamper = async (edit: (f: Record<string, Uint8Array>) => void, pins = [kid]) => {
      const copy: Record<string, Uint8Array> = {};
      for (const [k, v] of Object.entries(files)) copy[k] = v.slice();
      edit(copy);
      return verifyPackage(zipSync(copy), { pins });
    };
    const failed = (r: Awaited<ReturnType<typeof verifyPackage>>) => r.findings.filter((f) => !f.ok).map((f) => f.check);
    const snapPath = names.find((n) => n.endsWith("scope_snapshot.json"))!;
    const bump = (b: Uint8Array) => {
      const s = dec.decode(b).replace('"cde"', '"connected"');
      return new TextEncoder().encode(s);
    };
    expect(failed(await tamper((f) => (f[snapPath] = bump(f[snapPath]!))))).toEqual(expect.arrayContaining([`${snapPath}: hash`, `${snapPath}: signature`]));
    expect(failed(await tamper((f) => (f["inventory.csv"] = new TextEncoder().encode("uid\r\nforged\r\n"))))).toEqual(["inventory.csv: hash"]);
    expect(failed(await tamper((f) => (f["report.pdf"]![200]! ^= 1)))).toEqual(["report.pdf: hash"]);
    const svgPath = names.find((n) => n.startsWith("diagrams/"))!;
    expect(failed(await tamper((f) => (f[svgPath] = new TextEncoder().encode("<svg/>"))))).toEqual(expect.arrayContaining([`${svgPath}: hash`]));
    const jwsPath = `${snapPath}.jws`;
    expect(failed(await tamper((f) => (f[jwsPath] = new TextEncoder().encode(dec.decode(f[jwsPath]!).replace(/.$/, (c) => (c === "A" ? "B" : "A"))))))).toContain(`${jwsPath}: hash`);
    expect(failed(await tamper((f) => delete f[snapPath]))).toEqual(expect.arrayContaining([`${snapPath}: present`]));
    expect(failed(await tamper((f) => (f["extra.txt"] = new TextEncoder().encode("hi"))))).toEqual(["extra.txt: listed"]);
    // Manifest edits: a removed chain entry breaks the signature and the continuity.
    const m = JSON.parse(dec.decode(files["manifest.json"]!));
    m.chain.splice(1, 1);
    expect(failed(await tamper((f) => (f["manifest.json"] = new TextEncoder().encode(canonicalize(m)!))))).toEqual(
      expect.arrayContaining(["manifest.json: signature", "chain: continuity"]),
    );
    // A different pinned key: every signature is refused.
    expect(failed(await tamper(() => undefined, ["some-other-kid"]))).toContain("manifest.json: pinned key");
    // Garbage instead of a zip.
    expect((await verifyPackage(new Uint8Array([1, 2, 3]))).findings[0]).toMatchObject({ ok: false, check: "zip" });
  });
});
