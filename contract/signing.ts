/**
 * The ingest signature: Ed25519 over a message that binds the exact body bytes (by their
 * SHA-256) to the collector id, seq and timestamp sent in the headers. Both sides build the
 * message with this function, so there is one definition of what is signed.
 */
export const SIGNATURE_HEADERS = {
  collector: "x-psg-collector",
  seq: "x-psg-seq",
  timestamp: "x-psg-timestamp",
  signature: "x-psg-signature",
} as const;

export const SIGNATURE_VERSION = "psg-ed25519-v1";

/** Allowed distance between the signed timestamp (unix ms) and the worker's clock. */
export const TIMESTAMP_WINDOW_MS = 5 * 60 * 1000;

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return toHex(new Uint8Array(digest));
}

export function signedMessage(collectorId: string, seq: number, timestampMs: number, bodySha256Hex: string): Uint8Array {
  return new TextEncoder().encode(`${SIGNATURE_VERSION}\n${collectorId}\n${seq}\n${timestampMs}\n${bodySha256Hex}`);
}

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

export function toBase64Url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
