import { inArray } from "drizzle-orm";
import { evidenceArtifacts, EVIDENCE_KINDS, type EvidenceArtifactRow } from "../../db/schema/index.js";
import { detachedJws } from "../../evidence/artifact.js";
import { canonicalBytes, sha256HexOf } from "../../evidence/canonical.js";
import { inventoryCsv } from "../../evidence/package/csv.js";
import { assessorReport, type ReportInput } from "../../evidence/package/report.js";
import { zipFiles } from "../../evidence/package/zip.js";
import { snapshotResources } from "../../evidence/snapshot.js";
import { ApiError } from "../../errors/index.js";
import { recordAudit } from "../audit/record.js";
import type { EvidenceCtx } from "./ctx.js";
import { activeSigningKey, tenantJwks } from "./keys.js";
import { chainIndex, readArtifactFiles, type ArtifactFiles } from "./read.js";

export const PACKAGE_FORMAT = "psg-package/1";
const enc = new TextEncoder();
const DIAGRAM_NAMES: Record<string, string> = { network_diagram: "network-diagram-1.2.3", data_flow_diagram: "data-flow-diagram-1.2.4" };

/** Which artifacts a package holds: the latest of every kind, or exactly the ids given (all must be this tenant's). */
export async function selectArtifacts(ctx: EvidenceCtx, ids?: readonly string[]): Promise<{ chosen: EvidenceArtifactRow[]; chain: EvidenceArtifactRow[] }> {
  const chain = await chainIndex(ctx);
  if (ids !== undefined) {
    const rows = ids.length ? await ctx.db.select(evidenceArtifacts, { where: inArray(evidenceArtifacts.id, [...ids]) }) : [];
    if (rows.length !== new Set(ids).size) throw new ApiError("NOT_FOUND", "one or more evidence artifacts do not exist");
    return { chosen: rows.sort((a, b) => a.seq - b.seq), chain };
  }
  const latest = new Map<string, EvidenceArtifactRow>();
  for (const row of chain) latest.set(row.kind, row);
  return { chosen: EVIDENCE_KINDS.flatMap((k) => (latest.has(k) ? [latest.get(k)!] : [])).sort((a, b) => a.seq - b.seq), chain };
}

/**
 * The assessor package (DESIGN §5): the chosen artifacts with their signatures, the SVG
 * diagrams, inventory.csv, report.pdf, jwks.json and manifest.json (every file's SHA-256, the
 * artifacts and the whole chain index), the manifest signed with the tenant's active key.
 */
export async function buildPackage(ctx: EvidenceCtx, input: { artifactIds?: readonly string[]; audit?: boolean } = {}): Promise<{ zip: Uint8Array; filename: string; manifest: unknown }> {
  const { chosen, chain } = await selectArtifacts(ctx, input.artifactIds);
  if (chosen.length === 0) throw new ApiError("NOT_FOUND", "no evidence yet: generate some first (POST /v1/evidence)");
  const [signing, jwks, tenantName] = await Promise.all([activeSigningKey(ctx), tenantJwks(ctx), ctx.tenantName()]);
  const files = new Map<string, Uint8Array>();
  const loaded: ArtifactFiles[] = await Promise.all(chosen.map((row) => readArtifactFiles(ctx, row)));
  const now = new Date(ctx.now());

  const artifacts = [];
  const report: ReportInput = { tenantName, tenantId: ctx.tenantId, createdAt: now, head: null, kids: [...new Set([signing.kid, ...chosen.map((r) => r.kid)])], artifacts: [] };
  for (const f of loaded) {
    const base = `artifacts/${String(f.row.seq).padStart(6, "0")}-${f.row.kind}`;
    files.set(`${base}.json`, f.json);
    files.set(`${base}.json.jws`, enc.encode(f.jws));
    let svgPath: string | null = null;
    if (f.svg !== null) {
      svgPath = `diagrams/${String(f.row.seq).padStart(6, "0")}-${DIAGRAM_NAMES[f.row.kind]}.svg`;
      files.set(svgPath, enc.encode(f.svg));
    }
    artifacts.push({ path: `${base}.json`, signature: `${base}.json.jws`, svg: svgPath, id: f.row.id, kind: f.row.kind, seq: f.row.seq, sha256: f.row.sha256, prevHash: f.row.prevHash, kid: f.row.kid });
    report.artifacts.push({ path: `${base}.json`, kind: f.row.kind, seq: f.row.seq, sha256: f.row.sha256 });
    const body = () => (JSON.parse(new TextDecoder().decode(f.json)) as { body: never }).body;
    const pick = { seq: f.row.seq, sha256: f.row.sha256 };
    if (f.row.kind === "scope_snapshot") report.snapshot = { ...pick, body: body() };
    if (f.row.kind === "segmentation_report") report.segmentation = { ...pick, body: body() };
    if (f.row.kind === "drift_report") report.drift = { ...pick, body: body() };
    if (f.row.kind === "scope_attestation") report.attestation = { ...pick, body: body() };
  }
  const head = chain.at(-1)!;
  report.head = { seq: head.seq, sha256: head.sha256 };
  if (report.snapshot) files.set("inventory.csv", enc.encode(inventoryCsv(snapshotResources(report.snapshot.body))));
  files.set("report.pdf", await assessorReport(report));
  files.set("jwks.json", canonicalBytes(jwks));
  files.set("README.txt", enc.encode(readme(ctx.tenantId, signing.kid)));

  const listed = await Promise.all([...files].map(async ([path, bytes]) => ({ path, sha256: await sha256HexOf(bytes), bytes: bytes.byteLength })));
  const manifest = {
    format: PACKAGE_FORMAT,
    tenantId: ctx.tenantId,
    tenantName,
    createdAt: now.toISOString(),
    createdBy: ctx.actor,
    kid: signing.kid,
    files: listed.sort((a, b) => (a.path < b.path ? -1 : 1)),
    artifacts,
    chain: chain.map((r) => ({ seq: r.seq, id: r.id, kind: r.kind, sha256: r.sha256, prevHash: r.prevHash })),
    head: { seq: head.seq, sha256: head.sha256 },
  };
  const manifestBytes = canonicalBytes(manifest);
  files.set("manifest.json", manifestBytes);
  files.set("manifest.json.jws", enc.encode(await detachedJws(manifestBytes, signing.kid, signing.key)));
  if (input.audit !== false) await recordAudit(ctx, { action: "evidence.package", target: head.id, detail: { artifacts: chosen.map((r) => r.id) } }).run();
  return { zip: zipFiles(files, now), filename: `pci-evidence-${ctx.tenantId}-${now.toISOString().slice(0, 10)}.zip`, manifest };
}

function readme(tenantId: string, kid: string): string {
  return [
    "PCI Scope Guard assessor package",
    "",
    "manifest.json       every file's SHA-256, the artifacts, and the whole hash-chain index (RFC 8785 canonical JSON)",
    "manifest.json.jws   ES256 detached JWS over manifest.json",
    "jwks.json           the tenant's public evidence keys; compare with /.well-known/jwks.json?tenant=" + tenantId,
    "artifacts/          signed artifacts (canonical JSON) and their detached JWS",
    "diagrams/           network (1.2.3) and data-flow (1.2.4) diagrams; each artifact holds its SVG's SHA-256",
    "inventory.csv       every resource with scope, confidence and the deciding reason (12.5.1)",
    "report.pdf          the human-readable report",
    "",
    `Verify offline:  collector verify <this.zip> --pin ${kid}`,
    "Without the CLI: see docs/evidence.md (openssl + any RFC 8785 tool).",
    "",
  ].join("\n");
}
