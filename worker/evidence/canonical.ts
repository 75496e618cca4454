import canonicalize from "canonicalize";
import { toHex } from "../../contract/index.js";

const encoder = new TextEncoder();

/** RFC 8785 (JCS) canonical JSON as UTF-8 bytes: the exact bytes every hash and signature covers. */
export function canonicalBytes(value: unknown): Uint8Array {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("value has no JSON form");
  return encoder.encode(text);
}

export async function sha256HexOf(bytes: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
}

/** SHA-256 of the canonical form of a value, hex. */
export async function canonicalHash(value: unknown): Promise<string> {
  return sha256HexOf(canonicalBytes(value));
}
