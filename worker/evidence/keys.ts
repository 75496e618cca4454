import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { fromBase64Url, toBase64Url } from "../../contract/index.js";

/**
 * The tenant's evidence key. Choice (docs/evidence.md): a random ES256 key pair per tenant,
 * generated on first use, whose private JWK is stored in D1 encrypted with AES-256-GCM under
 * a key derived by HKDF-SHA256 from the EVIDENCE_KEY_SECRET Worker secret, salted with the
 * tenant id and bound to the kid as associated data. Deriving the signing key itself from the
 * secret would make rotation a secret change for every tenant; wrapping keeps rotation per
 * tenant and lets old public keys stay published.
 */
export interface EvidenceKeyMaterial {
  kid: string;
  publicJwk: JWK;
  privateJwkEnc: string;
}

const WRAP_INFO = new TextEncoder().encode("psg evidence key wrap v1");

async function wrappingKey(secret: string, tenantId: string): Promise<CryptoKey> {
  if (!secret || secret.length < 16) throw new Error("EVIDENCE_KEY_SECRET is not set (or shorter than 16 characters)");
  const ikm = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new TextEncoder().encode(tenantId), info: WRAP_INFO },
    ikm,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** A fresh ES256 key pair; kid is its RFC 7638 thumbprint, so anyone can recompute it. */
export async function newEvidenceKey(secret: string, tenantId: string): Promise<EvidenceKeyMaterial> {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub, "sha256");
  const publicJwk: JWK = { kty: pub.kty!, crv: pub.crv!, x: pub.x!, y: pub.y!, kid, alg: "ES256", use: "sig" };
  const priv = await exportJWK(privateKey);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await wrappingKey(secret, tenantId);
  const plain = new TextEncoder().encode(JSON.stringify({ ...priv, kid }));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(kid) }, key, plain));
  const out = new Uint8Array(iv.byteLength + sealed.byteLength);
  out.set(iv);
  out.set(sealed, iv.byteLength);
  return { kid, publicJwk, privateJwkEnc: toBase64Url(out) };
}

/** Decrypts a stored private JWK into a signing key. Fails if the secret, tenant or kid differ. */
export async function unwrapSigningKey(secret: string, tenantId: string, kid: string, privateJwkEnc: string): Promise<CryptoKey> {
  const bytes = fromBase64Url(privateJwkEnc);
  const key = await wrappingKey(secret, tenantId);
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, 12), additionalData: new TextEncoder().encode(kid) }, key, bytes.slice(12));
  const jwk = JSON.parse(new TextDecoder().decode(plain)) as JWK;
  return (await importJWK(jwk, "ES256")) as CryptoKey;
}
