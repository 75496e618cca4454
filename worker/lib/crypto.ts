import { sha256Hex, toBase64Url, toHex } from "../../contract/index.js";

/** 256 random bits, base64url: enrollment tokens and API key secrets. */
export function randomSecret(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** Short random ids for rows; hex so they never contain the `_` that separates key parts. */
export function randomId(prefix: string, bytes = 12): string {
  return `${prefix}${toHex(crypto.getRandomValues(new Uint8Array(bytes)))}`;
}

export function sha256OfText(text: string): Promise<string> {
  return sha256Hex(new TextEncoder().encode(text));
}

/** Constant-time comparison of two hex digests of equal length. */
export function sameDigest(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  if (x.byteLength !== y.byteLength) return false;
  return crypto.subtle.timingSafeEqual(x, y);
}
