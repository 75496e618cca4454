import { ed25519 } from "@noble/curves/ed25519.js";
import { SIGNATURE_HEADERS, sha256Hex, signedMessage, toBase64Url } from "../../../contract/index.js";

/**
 * Signs one batch body for sending. Called at send time, not at spool time, so the
 * timestamp is fresh on every attempt (the worker only accepts a small window).
 */
export async function signBatch(args: {
  collectorId: string;
  seq: number;
  body: Uint8Array;
  secretKey: Uint8Array;
  timestampMs?: number;
}): Promise<Record<string, string>> {
  const timestampMs = args.timestampMs ?? Date.now();
  const message = signedMessage(args.collectorId, args.seq, timestampMs, await sha256Hex(args.body));
  const signature = ed25519.sign(message, args.secretKey);
  return {
    [SIGNATURE_HEADERS.collector]: args.collectorId,
    [SIGNATURE_HEADERS.seq]: String(args.seq),
    [SIGNATURE_HEADERS.timestamp]: String(timestampMs),
    [SIGNATURE_HEADERS.signature]: toBase64Url(signature),
  };
}
