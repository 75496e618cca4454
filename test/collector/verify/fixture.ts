import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ARTIFACT_FORMAT, detachedJws, KIND_PCI, sealArtifact, type Artifact } from "../../../worker/evidence/artifact.js";
import { canonicalBytes, sha256HexOf } from "../../../worker/evidence/canonical.js";
import { newEvidenceKey, unwrapSigningKey } from "../../../worker/evidence/keys.js";
import { inventoryCsv } from "../../../worker/evidence/package/csv.js";
import { zipFiles } from "../../../worker/evidence/package/zip.js";
import { svgDocument } from "../../../worker/evidence/svg.js";

const enc = new TextEncoder();
const SECRET = "fixture-secret-not-for-production";

export interface FixturePackage {
  files: Map<string, Uint8Array>;
  kid: string;
  /** The same files zipped. */
  zip: () => Uint8Array;
}

/**
 * A small assessor package made with the worker's own evidence primitives (key generation,
 * RFC 8785 bytes, sealing, detached JWS, zip) — the code path `buildPackage` uses, minus D1
 * and R2 — laid out as docs/evidence.md describes: a scope snapshot (seq 1) and a network
 * diagram with its SVG (seq 2), inventory.csv, jwks.json, a signed manifest. The snapshot body
 * is format 2 unless `opts.snapshot` asks for format 1 or gives a body of its own.
 */
export async function fixturePackage(tenantId = "tnt_fixture000000000000000000", opts: { snapshot?: "v1" | "v2" | { body: unknown } } = {}): Promise<FixturePackage> {
  const key = await newEvidenceKey(SECRET, tenantId);
  const signing = await unwrapSigningKey(SECRET, tenantId, key.kid, key.privateJwkEnc);
  const createdAt = "2026-01-15T10:00:00.000Z";
  const resources = [
    { uid: "arn:aws:rds:eu-west-1:111111111111:db:cards", name: "cards", provider: "aws", account: "111111111111", region: "eu-west-1", kind: "database", scope: "cde", confidence: 1, overridden: false, stale: false, reasons: [{ rule: "tag.pci_scope", pci: ["PCI DSS 12.5.2"], summary: "tagged pci:scope=cde" }] },
    { uid: "arn:aws:ec2:eu-west-1:111111111111:instance/i-web", name: "web, \"front\"", provider: "aws", account: "111111111111", region: "eu-west-1", kind: "instance", scope: "out_of_scope", confidence: 0.8, overridden: false, stale: false, reasons: [] },
  ];
  // Body format 2 (the worker's now): each distinct reason once, resources naming theirs by position; format 1 inline.
  const v2 = { counts: { total: 2 }, format: "psg-scope-snapshot/2", reasons: [resources[0]!.reasons[0]!], resources: resources.map(({ reasons, ...facts }) => ({ ...facts, reasonRefs: reasons.map(() => 0) })) };
  const snapshot = opts.snapshot === "v1" ? { counts: { total: 2 }, resources } : typeof opts.snapshot === "object" ? opts.snapshot.body : v2;
  const svg = svgDocument(200, 100, "Network diagram (PCI DSS 1.2.3)", ['<rect x="10" y="10" width="80" height="40" fill="#c62828"/>']);
  const bodies: { kind: Artifact["kind"]; title: string; body: unknown; svg?: string }[] = [
    { kind: "scope_snapshot", title: "Scope snapshot", body: snapshot },
    { kind: "network_diagram", title: "Network diagram", body: { graph: { nodes: [], edges: [] }, svgSha256: await sha256HexOf(enc.encode(svg)) }, svg },
  ];

  const files = new Map<string, Uint8Array>();
  const artifacts = [];
  const chain = [];
  let prevHash: string | null = null;
  for (const [i, b] of bodies.entries()) {
    const seq = i + 1;
    const artifact: Artifact = { format: ARTIFACT_FORMAT, kind: b.kind, id: `evd_${String(seq).padStart(24, "0")}`, tenantId, seq, prevHash, kid: key.kid, createdAt, createdBy: "fixture", pci: KIND_PCI[b.kind], title: b.title, body: b.body };
    const sealed = await sealArtifact(artifact, signing);
    const base = `artifacts/${String(seq).padStart(6, "0")}-${b.kind}`;
    files.set(`${base}.json`, sealed.bytes);
    files.set(`${base}.json.jws`, enc.encode(sealed.jws));
    const svgPath = b.svg ? `diagrams/${String(seq).padStart(6, "0")}-network-diagram-1.2.3.svg` : null;
    if (svgPath) files.set(svgPath, enc.encode(b.svg!));
    artifacts.push({ path: `${base}.json`, signature: `${base}.json.jws`, svg: svgPath, id: artifact.id, kind: b.kind, seq, sha256: sealed.sha256, prevHash, kid: key.kid });
    chain.push({ seq, id: artifact.id, kind: b.kind, sha256: sealed.sha256, prevHash });
    prevHash = sealed.sha256;
  }
  files.set("inventory.csv", enc.encode(inventoryCsv(resources)));
  files.set("jwks.json", canonicalBytes({ keys: [key.publicJwk] }));
  files.set("README.txt", enc.encode("fixture package\n"));
  const listed = await Promise.all([...files].map(async ([path, bytes]) => ({ path, sha256: await sha256HexOf(bytes), bytes: bytes.byteLength })));
  const manifest = {
    format: "psg-package/1",
    tenantId,
    tenantName: "Fixture Ltd",
    createdAt,
    createdBy: "fixture",
    kid: key.kid,
    files: listed.sort((a, b) => (a.path < b.path ? -1 : 1)),
    artifacts,
    chain,
    head: { seq: chain.length, sha256: prevHash },
  };
  const manifestBytes = canonicalBytes(manifest);
  files.set("manifest.json", manifestBytes);
  files.set("manifest.json.jws", enc.encode(await detachedJws(manifestBytes, key.kid, signing)));
  return { files, kid: key.kid, zip: () => zipFiles(files, new Date(createdAt)) };
}

export async function writeZip(files: Map<string, Uint8Array>, name = "package.zip"): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "psg-verify-"));
  const path = join(dir, name);
  await writeFile(path, zipFiles(files, new Date("2026-01-15T10:00:00.000Z")));
  return path;
}
