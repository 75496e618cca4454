import canonicalize from "canonicalize";
import { unzipSync } from "fflate";
import { calculateJwkThumbprint, flattenedVerify, importJWK, type JWK } from "jose";

/**
 * Offline verification of an assessor package (docs/evidence.md). Pure: bytes in, findings
 * out, no network and no clock — so it runs the same in the CLI, in tests and in workerd.
 * It follows the documented format, not the worker's code, on purpose: it is the assessor's
 * independent check.
 */
export interface Finding {
  ok: boolean;
  check: string;
  detail: string;
}

export interface VerifyResult {
  ok: boolean;
  findings: Finding[];
  summary: { artifacts: number; files: number; chainLength: number; head: string | null; kids: string[]; pinned: boolean };
}

interface ManifestFile { path: string; sha256: string; bytes: number }
interface ManifestArtifact { path: string; signature: string; svg: string | null; id: string; kind: string; seq: number; sha256: string; prevHash: string | null; kid: string }
interface ChainEntry { seq: number; id: string; kind: string; sha256: string; prevHash: string | null }
interface Manifest {
  format: string;
  tenantId: string;
  kid: string;
  files: ManifestFile[];
  artifacts: ManifestArtifact[];
  chain: ChainEntry[];
  head: { seq: number; sha256: string };
}

const dec = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const enc = new TextEncoder();
const SIGNED_FILES = new Set(["manifest.json", "manifest.json.jws"]);

async function sha256(bytes: Uint8Array): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Node's own base64url: a 20 MB snapshot in milliseconds (the string-building version took seconds). */
function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64url");
}

const SNAPSHOT_V2 = "psg-scope-snapshot/2";

/**
 * Whether a scope snapshot's reasons can be read as docs/evidence.md describes. A body without
 * `format` (version 1, sealed before the reasons table) holds each resource's `reasons`; a
 * `psg-scope-snapshot/2` body holds each distinct reason once in `reasons`, and each resource's
 * `reasonRefs` are positions in that table (from 0), every one of which must exist.
 */
function snapshotProblem(body: unknown): string | null {
  const b = (typeof body === "object" && body !== null ? body : {}) as { format?: unknown; reasons?: unknown; resources?: unknown };
  if (!Array.isArray(b.resources)) return "the body has no resources list";
  const resources = b.resources as { uid?: unknown; reasons?: unknown; reasonRefs?: unknown }[];
  if (b.format === undefined) {
    const bad = resources.find((r) => !Array.isArray(r?.reasons));
    return bad ? `resource ${String(bad?.uid)} has no reasons (body format 1)` : null;
  }
  if (b.format !== SNAPSHOT_V2) return `unknown body format ${JSON.stringify(b.format)} (this verifier reads format 1 and ${SNAPSHOT_V2})`;
  if (!Array.isArray(b.reasons)) return "the body has no reasons table";
  const n = b.reasons.length;
  for (const r of resources) {
    if (!Array.isArray(r?.reasonRefs)) return `resource ${String(r?.uid)} has no reasonRefs`;
    for (const i of r.reasonRefs as unknown[]) {
      if (!Number.isInteger(i) || (i as number) < 0 || (i as number) >= n) return `resource ${String(r.uid)} names reason ${JSON.stringify(i)}, but the reasons table has ${n}`;
    }
  }
  return null;
}

/** Parses JSON and insists the bytes are exactly its RFC 8785 form. */
function canonicalJson<T>(bytes: Uint8Array, what: string, fail: (c: string, d: string) => void): T | undefined {
  let text: string;
  let value: T;
  try {
    text = dec.decode(bytes);
    value = JSON.parse(text) as T;
  } catch (err) {
    fail(`${what}: json`, `not valid UTF-8 JSON (${(err as Error).message})`);
    return undefined;
  }
  if (canonicalize(value) !== text) fail(`${what}: canonical`, "bytes are not the RFC 8785 canonical form of their JSON");
  return value;
}

export async function verifyPackage(zip: Uint8Array, opts: { pins?: readonly string[] } = {}): Promise<VerifyResult> {
  const findings: Finding[] = [];
  const pass = (check: string, detail: string) => findings.push({ ok: true, check, detail });
  const fail = (check: string, detail: string) => findings.push({ ok: false, check, detail });
  const summary: VerifyResult["summary"] = { artifacts: 0, files: 0, chainLength: 0, head: null, kids: [], pinned: false };
  const done = () => ({ ok: findings.every((f) => f.ok), findings, summary });

  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip);
  } catch (err) {
    fail("zip", `cannot read the zip: ${(err as Error).message}`);
    return done();
  }
  for (const name of ["manifest.json", "manifest.json.jws", "jwks.json"]) if (!files[name]) fail("layout", `${name} is missing`);
  if (!files["manifest.json"] || !files["manifest.json.jws"] || !files["jwks.json"]) return done();

  // Keys: the package's JWKS, each kid its own RFC 7638 thumbprint, optionally pinned.
  const jwks = canonicalJson<{ keys: JWK[] }>(files["jwks.json"], "jwks.json", fail);
  const keys = new Map<string, CryptoKey | Uint8Array>();
  for (const jwk of jwks?.keys ?? []) {
    const thumb = await calculateJwkThumbprint({ kty: jwk.kty!, crv: jwk.crv!, x: jwk.x!, y: jwk.y! }, "sha256");
    if (jwk.kid !== thumb) {
      fail("jwks", `key ${jwk.kid} is not named by its own thumbprint (${thumb})`);
      continue;
    }
    if (jwk.kty !== "EC" || jwk.crv !== "P-256") {
      fail("jwks", `key ${jwk.kid} is not a P-256 key`);
      continue;
    }
    keys.set(thumb, await importJWK({ kty: jwk.kty, crv: jwk.crv, x: jwk.x!, y: jwk.y! }, "ES256"));
  }
  const pins = new Set(opts.pins ?? []);
  summary.pinned = pins.size > 0;

  const verifyJws = async (what: string, jws: Uint8Array | undefined, payload: Uint8Array, expectKid: string): Promise<boolean> => {
    if (!jws) {
      fail(`${what}: signature`, "signature file is missing");
      return false;
    }
    const parts = dec.decode(jws).trim().split(".");
    if (parts.length !== 3 || parts[1] !== "") {
      fail(`${what}: signature`, "not a detached compact JWS (header..signature)");
      return false;
    }
    let header: { alg?: string; kid?: string };
    try {
      header = JSON.parse(dec.decode(Uint8Array.from(atob(parts[0]!.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0)))) as typeof header;
    } catch {
      fail(`${what}: signature`, "unreadable JWS header");
      return false;
    }
    if (header.alg !== "ES256") return (fail(`${what}: signature`, `alg ${header.alg} is not ES256`), false);
    if (header.kid !== expectKid) return (fail(`${what}: signature`, `signed with key ${header.kid}, but it names key ${expectKid}`), false);
    const key = keys.get(header.kid);
    if (!key) return (fail(`${what}: signature`, `key ${header.kid} is not in jwks.json`), false);
    if (pins.size > 0 && !pins.has(header.kid)) return (fail(`${what}: pinned key`, `key ${header.kid} is not one of the pinned keys`), false);
    try {
      await flattenedVerify({ protected: parts[0]!, payload: b64url(payload), signature: parts[2]! }, key, { algorithms: ["ES256"] });
      return true;
    } catch {
      fail(`${what}: signature`, `ES256 signature does not verify with key ${header.kid}`);
      return false;
    }
  };

  // The manifest: canonical, signed, and the list of every other file.
  const manifest = canonicalJson<Manifest>(files["manifest.json"], "manifest.json", fail);
  if (!manifest) return done();
  if (manifest.format !== "psg-package/1") fail("manifest.json: format", `unknown format ${manifest.format}`);
  if (await verifyJws("manifest.json", files["manifest.json.jws"], files["manifest.json"], manifest.kid)) pass("manifest.json: signature", `ES256 by ${manifest.kid}`);
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  let filesOk = true;
  for (const f of manifest.files) {
    const bytes = files[f.path];
    if (!bytes) {
      filesOk = false;
      fail(`${f.path}: present`, "listed in manifest.json but missing from the zip");
      continue;
    }
    const h = await sha256(bytes);
    if (h !== f.sha256 || bytes.byteLength !== f.bytes) {
      filesOk = false;
      fail(`${f.path}: hash`, `SHA-256 ${h} (${bytes.byteLength} bytes) but manifest.json says ${f.sha256} (${f.bytes} bytes)`);
    }
  }
  for (const name of Object.keys(files)) {
    if (name.endsWith("/") || SIGNED_FILES.has(name) || listed.has(name)) continue;
    filesOk = false;
    fail(`${name}: listed`, "in the zip but not listed in manifest.json");
  }
  if (filesOk) pass("files", `${manifest.files.length} files match their SHA-256 in manifest.json`);
  summary.files = manifest.files.length;

  // The chain index: contiguous from seq 1, each prevHash the previous hash, ending at head.
  const chain = manifest.chain;
  let chainOk = chain.length > 0;
  chain.forEach((e, i) => {
    const prev = chain[i - 1];
    if (e.seq !== i + 1) {
      chainOk = false;
      fail("chain: continuity", `entry ${i} has seq ${e.seq}, expected ${i + 1}`);
    }
    const expected = prev ? prev.sha256 : null;
    if (e.prevHash !== expected) {
      chainOk = false;
      fail("chain: continuity", `seq ${e.seq} has prevHash ${e.prevHash}, expected ${expected}`);
    }
  });
  const last = chain.at(-1);
  if (!last || last.seq !== manifest.head.seq || last.sha256 !== manifest.head.sha256) {
    chainOk = false;
    fail("chain: head", "the chain does not end at manifest.json's head");
  }
  if (chainOk) pass("chain", `${chain.length} artifacts chained from seq 1 to ${last!.seq}, head ${last!.sha256}`);
  summary.chainLength = chain.length;
  summary.head = last?.sha256 ?? null;
  const bySeq = new Map(chain.map((e) => [e.seq, e]));

  // Every artifact: canonical, hash as listed and as chained, signed, fields consistent, SVG bound.
  const kids = new Set<string>([manifest.kid]);
  for (const a of manifest.artifacts) {
    const bytes = files[a.path];
    if (!bytes) {
      fail(`${a.path}: present`, "artifact missing from the zip");
      continue;
    }
    let ok = true;
    const bad = (c: string, d: string) => {
      ok = false;
      fail(`${a.path}: ${c}`, d);
    };
    const art = canonicalJson<{ id: string; kind: string; seq: number; prevHash: string | null; kid: string; tenantId: string; body: { svgSha256?: string } }>(bytes, a.path, (c, d) => bad(c.replace(`${a.path}: `, ""), d));
    const h = await sha256(bytes);
    if (h !== a.sha256) bad("hash", `SHA-256 ${h}, manifest.json says ${a.sha256}`);
    const entry = bySeq.get(a.seq);
    if (!entry || entry.sha256 !== h || entry.id !== a.id) bad("chain", `not the chain's artifact at seq ${a.seq}`);
    if (art) {
      if (art.id !== a.id || art.seq !== a.seq || art.kind !== a.kind || art.kid !== a.kid) bad("fields", "id, seq, kind or kid differ from manifest.json");
      if (art.prevHash !== (entry?.prevHash ?? null)) bad("chain", `prevHash ${art.prevHash} differs from the chain's ${entry?.prevHash}`);
      if (art.tenantId !== manifest.tenantId) bad("tenant", `belongs to tenant ${art.tenantId}, the package to ${manifest.tenantId}`);
      if (a.kind === "scope_snapshot") {
        const problem = snapshotProblem(art.body);
        if (problem) bad("snapshot", problem);
      }
      if (a.svg) {
        const svg = files[a.svg];
        if (!svg) bad("diagram", `${a.svg} is missing`);
        else if ((await sha256(svg)) !== art.body.svgSha256) bad("diagram", `${a.svg} does not match the SVG hash the signed artifact holds`);
      }
    }
    if (!(await verifyJws(a.path, files[a.signature], bytes, a.kid))) ok = false;
    kids.add(a.kid);
    if (ok) pass(a.path, `${a.kind} seq ${a.seq}: canonical, hash, chain and ES256 signature by ${a.kid} check out${a.kind === "scope_snapshot" ? "; every resource's reasons are there" : ""}`);
  }
  summary.artifacts = manifest.artifacts.length;
  summary.kids = [...kids];
  if (pins.size === 0) findings.push({ ok: true, check: "pinned key", detail: "WARNING: no --pin given; signatures were checked against the keys inside the package only. Pin the tenant's key (from /.well-known/jwks.json) to prove who signed." });
  return done();
}

export function formatResult(r: VerifyResult): string {
  const lines = r.findings.map((f) => `${f.ok ? "ok  " : "FAIL"} ${f.check}: ${f.detail}`);
  lines.push("");
  lines.push(
    r.ok
      ? `PASS: ${r.summary.artifacts} artifacts, ${r.summary.files} files, chain of ${r.summary.chainLength} to ${r.summary.head}; keys ${r.summary.kids.join(", ")}${r.summary.pinned ? " (pinned)" : " (NOT pinned)"}`
      : `FAIL: ${r.findings.filter((f) => !f.ok).length} check(s) failed (listed above)`,
  );
  return `${lines.join("\n")}\n`;
}

