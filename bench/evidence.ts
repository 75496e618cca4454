/**
 * Evidence figures (DESIGN §7: < 200 ms to generate and sign a 10,000-resource snapshot),
 * in-process on Node with the worker's own pure builders, signer, CSV/PDF/zip writers and the
 * collector's offline verifier. The D1/R2/Durable Object reads around them are not timed here.
 */
import { exportJWK, generateKeyPair, calculateJwkThumbprint } from "jose";
import { verifyPackage } from "../collector/src/verify/package.js";
import { ARTIFACT_FORMAT, detachedJws, KIND_PCI, sealArtifact, type Artifact } from "../worker/evidence/artifact.js";
import { canonicalBytes, sha256HexOf } from "../worker/evidence/canonical.js";
import { dataFlowDiagram, networkDiagram } from "../worker/evidence/diagrams.js";
import { inventoryCsv } from "../worker/evidence/package/csv.js";
import { assessorReport } from "../worker/evidence/package/report.js";
import { zipFiles } from "../worker/evidence/package/zip.js";
import { buildSegmentationReport } from "../worker/evidence/segmentation.js";
import { buildScopeSnapshot } from "../worker/evidence/snapshot.js";
import type { ScopeData } from "../worker/evidence/source.js";
import type { Scope } from "../worker/scope/types.js";

const SCOPES: Scope[] = ["cde", "connected", "security_impacting", "out_of_scope"];

export function syntheticScope(n: number): ScopeData {
  const resources: ScopeData["resources"] = [];
  for (let i = 0; i < n; i++) {
    const scope = SCOPES[i % 23 === 0 ? 0 : i % 7 === 0 ? 1 : i % 11 === 0 ? 2 : 3]!;
    const uid = `arn:aws:ec2:eu-west-1:1111111111${String(i % 3).padStart(2, "0")}:instance/i-${i.toString(16).padStart(8, "0")}`;
    resources.push({
      uid, provider: "aws", account: `1111111111${String(i % 3).padStart(2, "0")}`, region: "eu-west-1", kind: "instance", name: `host-${i}`,
      tags: { team: `t${i % 13}` }, stale: false, scope, confidence: 0.9, overridden: false, firstSeen: 1_700_000_000_000, lastSeen: 1_700_000_000_000 + i,
      reasons: [{ rule: scope === "cde" ? "tag.pci_scope" : scope === "out_of_scope" ? "out_of_scope.no_path" : "connected.observed_flow", scope, confidence: 0.9, pci: ["PCI DSS 12.5.2"], summary: `decided for host-${i}`,
        evidence: scope === "out_of_scope" ? [{ type: "absence", checked: "no accepted flow or allowing path to the CDE" }] : [{ type: "tag", key: "pci:scope", value: scope }] }] as never,
    });
  }
  const boundaryFlows = resources.filter((r) => r.scope === "connected").slice(0, 2000).map((r, j) => ({
    srcIp: `10.1.${j >> 8}.${j & 255}`, dstIp: "10.0.0.5", dstPort: 5432, protocol: 6, action: "accept" as const, packets: 10, bytes: 1000 + j, flows: 2,
    firstSeen: 1_700_000_000_000, lastSeen: 1_700_000_100_000, srcUid: r.uid, dstUid: resources[0]!.uid, srcScope: r.scope, dstScope: "cde" as Scope,
  }));
  return {
    tenantId: "tnt_bench", tenantName: "Bench Co", generatedAt: Date.now(),
    summary: { resources: { total: n, byScope: {}, stale: 0, overridden: 0 }, byProviderAccount: [], byKind: [], lastScan: null, flows: { edges: 0, accepted: 0, rejected: 0, unmapped: 0, packets: 0, bytes: 0, flows: 0 }, classifiedAt: Date.now() },
    resources, boundaryFlows, boundaryFlowsTruncated: false, cdeRules: [],
  };
}

const time = async <T>(f: () => Promise<T> | T): Promise<[T, number]> => {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
};

export async function benchEvidence(n: number) {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub, "sha256");
  const data = syntheticScope(n);
  const artifact = (kind: Artifact["kind"], seq: number, prevHash: string | null, body: unknown): Artifact => ({
    format: ARTIFACT_FORMAT, kind, id: `evd_${String(seq).padStart(24, "0")}`, tenantId: data.tenantId, seq, prevHash, kid, createdAt: new Date().toISOString(), createdBy: "bench", pci: KIND_PCI[kind], title: kind, body,
  });
  // Warm the JIT and the key.
  await sealArtifact(artifact("scope_snapshot", 1, null, buildScopeSnapshot(syntheticScope(500))), privateKey);

  const [snap, snapshotMs] = await time(async () => sealArtifact(artifact("scope_snapshot", 1, null, buildScopeSnapshot(data)), privateKey));

  const [zip, packageMs] = await time(async () => {
    const seg = buildSegmentationReport(data);
    const sealed = [snap];
    const segA = await sealArtifact(artifact("segmentation_report", 2, snap.sha256, seg), privateKey);
    sealed.push(segA);
    const files = new Map<string, Uint8Array>();
    const artifacts: { svg: string; a: (typeof sealed)[number] }[] = [];
    let prev = segA.sha256;
    for (const [i, [kind, make]] of ([["network_diagram", networkDiagram], ["data_flow_diagram", dataFlowDiagram]] as const).entries()) {
      const d = make(data, seg);
      const a = await sealArtifact(artifact(kind, 3 + i, prev, { graph: d.graph, svgSha256: await sha256HexOf(new TextEncoder().encode(d.svg)) }), privateKey);
      files.set(`diagrams/${kind}.svg`, new TextEncoder().encode(d.svg));
      sealed.push(a);
      prev = a.sha256;
      artifacts.push({ svg: `diagrams/${kind}.svg`, a });
    }
    for (const s of sealed) {
      const base = `artifacts/${String(s.artifact.seq).padStart(6, "0")}-${s.artifact.kind}`;
      files.set(`${base}.json`, s.bytes);
      files.set(`${base}.json.jws`, new TextEncoder().encode(s.jws));
    }
    files.set("inventory.csv", new TextEncoder().encode(inventoryCsv(buildScopeSnapshot(data).resources)));
    files.set("report.pdf", await assessorReport({ tenantName: data.tenantName, tenantId: data.tenantId, createdAt: new Date(), head: { seq: 4, sha256: prev }, kids: [kid], snapshot: { seq: 1, sha256: snap.sha256, body: snap.artifact.body as never }, segmentation: { seq: 2, sha256: segA.sha256, body: seg }, artifacts: [] }));
    files.set("jwks.json", canonicalBytes({ keys: [{ ...pub, kid, alg: "ES256", use: "sig" }] }));
    const listed = await Promise.all([...files].map(async ([path, bytes]) => ({ path, sha256: await sha256HexOf(bytes), bytes: bytes.byteLength })));
    const manifest = {
      format: "psg-package/1", tenantId: data.tenantId, tenantName: data.tenantName, createdAt: new Date().toISOString(), createdBy: "bench", kid,
      files: listed.sort((a, b) => (a.path < b.path ? -1 : 1)),
      artifacts: sealed.map((s) => {
        const base = `artifacts/${String(s.artifact.seq).padStart(6, "0")}-${s.artifact.kind}`;
        return { path: `${base}.json`, signature: `${base}.json.jws`, svg: artifacts.find((x) => x.a === s)?.svg ?? null, id: s.artifact.id, kind: s.artifact.kind, seq: s.artifact.seq, sha256: s.sha256, prevHash: s.artifact.prevHash, kid };
      }),
      chain: sealed.map((s) => ({ seq: s.artifact.seq, id: s.artifact.id, kind: s.artifact.kind, sha256: s.sha256, prevHash: s.artifact.prevHash })),
      head: { seq: 4, sha256: prev },
    };
    const mb = canonicalBytes(manifest);
    files.set("manifest.json", mb);
    files.set("manifest.json.jws", new TextEncoder().encode(await detachedJws(mb, kid, privateKey)));
    return zipFiles(files, new Date());
  });
  const [result, verifyMs] = await time(() => verifyPackage(zip, { pins: [kid] }));
  if (!result.ok) throw new Error(`bench package did not verify: ${JSON.stringify(result.findings.filter((f) => !f.ok))}`);
  return { resources: n, snapshotMs, snapshotBytes: snap.bytes.byteLength, packageMs, zipBytes: zip.byteLength, verifyMs };
}
