import type { EvidenceKind } from "../db/schema/evidence.js";
import { canonicalBytes, sha256HexOf } from "./canonical.js";

export const ARTIFACT_FORMAT = "psg-evidence/1";
export const JWS_TYPE = "psg-evidence+jws";

/** What each kind answers, in PCI DSS terms (PCI-SCOPING.md); written into every artifact. */
export const KIND_PCI: Record<EvidenceKind, string[]> = {
  scope_snapshot: ["PCI DSS 12.5.1", "PCI DSS 12.5.2"],
  segmentation_report: ["PCI DSS 1.3.1", "PCI DSS 1.3.2", "PCI DSS 11.4.5", "PCI DSS 11.4.6"],
  network_diagram: ["PCI DSS 1.2.3"],
  data_flow_diagram: ["PCI DSS 1.2.4"],
  drift_report: ["PCI DSS 12.5.2", "PCI DSS A3.2.1"],
  scope_attestation: ["PCI DSS 12.5.2", "PCI DSS 12.5.2.1"],
  audit_log: ["PCI DSS 12.5.2"],
};

/**
 * The signed object. `hash = SHA-256(JCS(artifact))`; the JWS (ES256, detached payload) signs
 * those same bytes; `prevHash` is the hash of the tenant's previous artifact (null for seq 1).
 */
export interface Artifact<B = unknown> {
  format: typeof ARTIFACT_FORMAT;
  kind: EvidenceKind;
  id: string;
  tenantId: string;
  seq: number;
  prevHash: string | null;
  kid: string;
  createdAt: string;
  createdBy: string;
  pci: string[];
  title: string;
  body: B;
}

export interface SealedArtifact {
  artifact: Artifact;
  /** RFC 8785 bytes of `artifact`. */
  bytes: Uint8Array;
  sha256: string;
  /** Compact JWS with the payload detached: `header..signature`. */
  jws: string;
}

/** Canonicalizes, hashes and signs. Pure apart from the signature's randomness. */
export async function sealArtifact(artifact: Artifact, signingKey: CryptoKey): Promise<SealedArtifact> {
  const bytes = canonicalBytes(artifact);
  const [sha256, jws] = await Promise.all([sha256HexOf(bytes), detachedJws(bytes, artifact.kid, signingKey)]);
  return { artifact, bytes, sha256, jws };
}

const encoder = new TextEncoder();
const B64URL = encoder.encode("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

/**
 * The runtime's own base64url when it has one: workerd has `Uint8Array.prototype.toBase64`,
 * Node (the bench, the CLI) has Buffer. Several times faster than a JS loop on 20 MB.
 */
const nativeBase64Url: ((b: Uint8Array) => string) | undefined = (() => {
  if (typeof (Uint8Array.prototype as { toBase64?: unknown }).toBase64 === "function") {
    return (b: Uint8Array) => (b as unknown as { toBase64(o: { alphabet: string; omitPadding: boolean }): string }).toBase64({ alphabet: "base64url", omitPadding: true });
  }
  const buffer = (globalThis as unknown as { Buffer?: { from(a: ArrayBufferLike, offset: number, length: number): { toString(encoding: string): string } } }).Buffer;
  if (typeof buffer?.from === "function") return (b: Uint8Array) => buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64url");
  return undefined;
})();

/** Bytes per native base64url call: a multiple of 3 (no padding mid-stream), so a 20 MB payload never becomes one 28 MB string. */
const NATIVE_CHUNK = 3 << 20;

/** Writes `src` as unpadded base64url ASCII into `out` at `at`; returns the end offset. `native: null` forces the JS loop. */
export function base64UrlInto(src: Uint8Array, out: Uint8Array, at: number, native: ((b: Uint8Array) => string) | null = nativeBase64Url ?? null): number {
  if (native) {
    let o = at;
    for (let i = 0; i < src.length; i += NATIVE_CHUNK) o += encoder.encodeInto(native(src.subarray(i, i + NATIVE_CHUNK)), out.subarray(o)).written;
    return o;
  }
  const n = src.length;
  const full = n - (n % 3);
  let o = at;
  let i = 0;
  for (; i < full; i += 3) {
    const t = (src[i]! << 16) | (src[i + 1]! << 8) | src[i + 2]!;
    out[o++] = B64URL[t >>> 18]!;
    out[o++] = B64URL[(t >>> 12) & 63]!;
    out[o++] = B64URL[(t >>> 6) & 63]!;
    out[o++] = B64URL[t & 63]!;
  }
  if (n - full > 0) {
    const t = (src[i]! << 16) | (n - full === 2 ? src[i + 1]! << 8 : 0);
    out[o++] = B64URL[t >>> 18]!;
    out[o++] = B64URL[(t >>> 12) & 63]!;
    if (n - full === 2) out[o++] = B64URL[(t >>> 6) & 63]!;
  }
  return o;
}

const base64UrlLength = (n: number) => Math.floor(n / 3) * 4 + [0, 2, 3][n % 3]!;

function base64Url(src: Uint8Array): string {
  const out = new Uint8Array(base64UrlLength(src.length));
  base64UrlInto(src, out, 0);
  return new TextDecoder().decode(out);
}

/**
 * A compact JWS (RFC 7515), ES256, protected header `{"alg":"ES256","kid","typ"}`, payload
 * detached (Appendix F): `header..signature`. The signing input is the standard
 * `BASE64URL(header).BASE64URL(payload)`, written straight into one byte buffer (no multi-MB
 * base64 string, no second copy) and signed by WebCrypto, which hashes it once. Byte for byte
 * what jose's CompactSign produces; any JWS library verifies it with the payload re-attached.
 */
export async function detachedJws(bytes: Uint8Array, kid: string, signingKey: CryptoKey): Promise<string> {
  const alg = signingKey.algorithm as { name: string; namedCurve?: string };
  if (alg.name !== "ECDSA" || alg.namedCurve !== "P-256") throw new Error(`an ES256 signature needs an ECDSA P-256 key, not ${alg.name} ${alg.namedCurve ?? ""}`.trim());
  const header = base64Url(encoder.encode(JSON.stringify({ alg: "ES256", kid, typ: JWS_TYPE })));
  const input = new Uint8Array(header.length + 1 + base64UrlLength(bytes.length));
  encoder.encodeInto(header, input);
  input[header.length] = 0x2e; // "."
  base64UrlInto(bytes, input, header.length + 1);
  const signature = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, signingKey, input));
  return `${header}..${base64Url(signature)}`;
}
