import canonicalize from "canonicalize";
import { base64url, CompactSign, compactVerify, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK } from "jose";
import { describe, expect, it } from "vitest";
import { ARTIFACT_FORMAT, base64UrlInto, detachedJws, JWS_TYPE, KIND_PCI, sealArtifact, type Artifact } from "../../../worker/evidence/artifact.js";

const KID = "test-kid";

async function verifyDetached(jws: string, payload: Uint8Array, key: CryptoKey) {
  const [h, empty, s] = jws.split(".");
  expect(empty).toBe("");
  return compactVerify(`${h}.${base64url.encode(payload)}.${s}`, key, { algorithms: ["ES256"] });
}

describe("detached ES256 JWS (worker/evidence/artifact.ts), checked with jose", () => {
  it("every base64 remainder and a large payload: jose verifies it with the payload re-attached; the header is jose's byte for byte", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const big = crypto.getRandomValues(new Uint8Array(60_000));
    // Larger than one native base64url chunk (3 MiB), and not a multiple of 3.
    const huge = new Uint8Array((3 << 20) + 65_537);
    for (let i = 0; i < huge.length; i += 65_536) crypto.getRandomValues(huge.subarray(i, i + 65_536));
    for (const payload of [new Uint8Array(0), Uint8Array.of(0xff), Uint8Array.of(0xfb, 0xff), Uint8Array.of(1, 2, 3), Uint8Array.of(0xfc, 0, 0xfe, 0xff), big, huge]) {
      const jws = await detachedJws(payload, KID, privateKey);
      const { payload: got, protectedHeader } = await verifyDetached(jws, payload, publicKey);
      expect(got.length === payload.length && got.every((b, i) => b === payload[i])).toBe(true);
      expect(protectedHeader).toEqual({ alg: "ES256", kid: KID, typ: JWS_TYPE });
      const theirs = await new CompactSign(payload).setProtectedHeader({ alg: "ES256", kid: KID, typ: JWS_TYPE }).sign(privateKey);
      expect(jws.split(".")[0]).toBe(theirs.split(".")[0]);
      expect(base64url.decode(jws.split(".")[2]!)).toHaveLength(64);
    }
  });

  it("base64url, the runtime's own and the JS fallback, equal jose's at every length", () => {
    for (const n of [...Array.from({ length: 40 }, (_, i) => i), 65_533, (3 << 20) * 2 + 2]) {
      const src = new Uint8Array(n);
      for (let i = 0; i < n; i += 65_536) crypto.getRandomValues(src.subarray(i, i + 65_536));
      const want = base64url.encode(src);
      for (const native of [undefined, null]) {
        const out = new Uint8Array(want.length + 5).fill(0x21);
        const end = base64UrlInto(src, out, 2, native);
        expect(end).toBe(2 + want.length);
        expect(new TextDecoder().decode(out)).toBe(`!!${want}!!!`);
      }
    }
  });

  it("a changed payload or another key fails verification", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const other = await generateKeyPair("ES256");
    const payload = new TextEncoder().encode('{"a":1}');
    const jws = await detachedJws(payload, KID, privateKey);
    await expect(verifyDetached(jws, new TextEncoder().encode('{"a":2}'), publicKey)).rejects.toThrow(/signature verification failed/);
    await expect(verifyDetached(jws, payload, other.publicKey)).rejects.toThrow(/signature verification failed/);
  });

  it("sealArtifact: canonical bytes, their SHA-256, a signature over them by the artifact's kid", async () => {
    const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
    const artifact: Artifact = {
      format: ARTIFACT_FORMAT, kind: "scope_snapshot", id: "evd_1", tenantId: "tnt_1", seq: 1, prevHash: null, kid: KID, createdAt: "2026-01-01T00:00:00.000Z",
      createdBy: "test", pci: KIND_PCI.scope_snapshot, title: "Scope snapshot — ünïcode \u{1F512}", body: { resources: [{ uid: "u", tags: { b: "2", a: "1" }, confidence: 1e21 }] },
    };
    const sealed = await sealArtifact(artifact, privateKey);
    expect(new TextDecoder().decode(sealed.bytes)).toBe(canonicalize(artifact));
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", sealed.bytes));
    expect(sealed.sha256).toBe(Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""));
    expect(decodeProtectedHeader(sealed.jws)).toEqual({ alg: "ES256", kid: KID, typ: JWS_TYPE });
    // Verified with the public key as a JWK, the way an assessor gets it from jwks.json.
    const jwk = await importJWK({ ...(await exportJWK(publicKey)), alg: "ES256" }, "ES256");
    expect((await verifyDetached(sealed.jws, sealed.bytes, jwk as CryptoKey)).payload).toEqual(sealed.bytes);
  });

  it("refuses a key that cannot make an ES256 signature, naming it", async () => {
    const p384 = await generateKeyPair("ES384");
    await expect(detachedJws(new Uint8Array(3), KID, p384.privateKey)).rejects.toThrow(/ES256 signature needs an ECDSA P-256 key, not ECDSA P-384/);
    const ed = await generateKeyPair("EdDSA");
    await expect(detachedJws(new Uint8Array(3), KID, ed.privateKey)).rejects.toThrow(/ECDSA P-256 key, not Ed25519/);
  });
});
