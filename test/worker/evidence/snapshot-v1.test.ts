import { env, exports } from "cloudflare:workers";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { verifyPackage } from "../../../collector/src/verify/package.js";
import { buildSegmentationReport } from "../../../worker/evidence/segmentation.js";
import { buildScopeSnapshot, type ScopeSnapshotV1 } from "../../../worker/evidence/snapshot.js";
import { collectScopeData, type ScopeReader } from "../../../worker/evidence/source.js";
import { makeServiceCtx } from "../../../worker/middleware/tenant.js";
import { appendArtifacts } from "../../../worker/services/evidence/append.js";
import { evidenceCtx } from "../../../worker/services/evidence/ctx.js";
import { ARN, seededTenant } from "../fixtures.js";
import { call } from "../helpers.js";

const dec = new TextDecoder();

describe("a scope snapshot sealed before body format 2 (reasons in every resource) stays readable", () => {
  it("drift compares with it, a package built from it writes its CSV and verifies, an attestation can name it", async () => {
    const t = await seededTenant();
    const ctx = evidenceCtx(makeServiceCtx(env, t.tenantId, "test:v1"), env);
    // The version 1 body of the tenant's current scope, sealed into the chain as the old builder did.
    const data = await collectScopeData(ctx.scope as unknown as ScopeReader, { id: t.tenantId, name: "v1 Co" }, ctx.now());
    const { format: _format, reasons: _table, resources, ...head } = buildScopeSnapshot(data);
    const v1: ScopeSnapshotV1 = { ...head, resources: resources.map(({ reasonRefs: _refs, ...facts }, i) => ({ ...facts, reasons: data.resources[i]!.reasons })) };
    expect(v1.resources.find((r) => r.uid === ARN.db)!.reasons[0]!.rule).toBe("tag.pci_scope");
    const [old] = await appendArtifacts(ctx, [
      { kind: "scope_snapshot", title: "Scope snapshot (body format 1)", body: v1 },
      { kind: "segmentation_report", title: "Segmentation report", body: buildSegmentationReport(data) },
    ]);

    // The next generation's drift report reads the v1 snapshot: same scope, so no change at all.
    const gen = await call("POST", "/v1/evidence", { key: t.admin, body: { kinds: ["drift_report"] } });
    expect(gen.status).toBe(201);
    const driftId = gen.json.artifacts.find((a: { kind: string }) => a.kind === "drift_report").id;
    const drift = (await call("GET", `/v1/evidence/${driftId}/json`, { key: t.read })).json.body;
    expect(drift.period.from.artifactId).toBe(old!.id);
    expect(drift.counts.total).toBe(0);
    const fresh = (await call("GET", `/v1/evidence/${gen.json.artifacts[0].id}/json`, { key: t.read })).json.body;
    expect(fresh.format).toBe("psg-scope-snapshot/2");

    // A package of the v1 snapshot: inventory.csv has its reasons, the package verifies offline.
    const res = await exports.default.fetch(
      new Request("http://api.test/v1/evidence/package", { method: "POST", headers: { authorization: `Bearer ${t.read}`, "content-type": "application/json" }, body: JSON.stringify({ artifactIds: [old!.id] }) }),
    );
    expect(res.status).toBe(200);
    const zip = new Uint8Array(await res.arrayBuffer());
    const files = unzipSync(zip);
    const csv = dec.decode(files["inventory.csv"]!);
    expect(csv.split("\r\n").find((l) => l.startsWith(ARN.db))).toContain(",tag.pci_scope,");
    expect(csv.split("\r\n")).toHaveLength(v1.resources.length + 2);
    const kid = JSON.parse(dec.decode(files["manifest.json"]!)).kid;
    const verified = await verifyPackage(zip, { pins: [kid] });
    expect(verified.findings.filter((f) => !f.ok)).toEqual([]);

    // An attestation naming the v1 snapshot carries its counts.
    const attest = await call("POST", "/v1/evidence/attestations", { key: t.admin, body: { name: "Ada", statement: "Annual scope confirmation of the earlier snapshot.", snapshotId: old!.id } });
    expect(attest.status).toBe(201);
    const body = (await call("GET", `/v1/evidence/${attest.json.id}/json`, { key: t.read })).json.body;
    expect(body.reviewed.scopeSnapshot.artifactId).toBe(old!.id);
    expect(body.reviewed.counts).toEqual(v1.counts);
  });
});
