import { ed25519 } from "@noble/curves/ed25519.js";
import { createMiddleware } from "hono/factory";
import { fromBase64Url, SIGNATURE_HEADERS, sha256Hex, signedMessage } from "../../contract/index.js";
import type { AppEnv } from "../context.js";
import { openDatabase } from "../db/client.js";
import { findCollector } from "../db/unscoped.js";
import { ApiError } from "../errors/index.js";
import { setTenant } from "./tenant.js";

/**
 * Collector signature auth for /v1/ingest (docs/ingest-protocol.md). Cheap checks first:
 * declared size, headers, collector, clock; then the body is read with a hard cap and the
 * Ed25519 signature checked over (collector, seq, timestamp, SHA-256 of the exact bytes).
 * Nothing is written before all of it passes.
 */
export const verifyCollectorSignature = createMiddleware<AppEnv>(async (c, next) => {
  const maxBytes = Number(c.env.INGEST_MAX_BYTES);
  const declared = c.req.header("content-length");
  if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge(maxBytes);

  const h = (name: string) => c.req.header(name);
  const missing = Object.values(SIGNATURE_HEADERS).filter((name) => !h(name));
  if (missing.length) throw new ApiError("MISSING_SIGNATURE", `missing header(s): ${missing.join(", ")}`);
  const collectorId = h(SIGNATURE_HEADERS.collector)!;
  const seqText = h(SIGNATURE_HEADERS.seq)!;
  const tsText = h(SIGNATURE_HEADERS.timestamp)!;
  if (!/^[1-9]\d{0,15}$/.test(seqText)) throw new ApiError("INVALID_SIGNATURE", `${SIGNATURE_HEADERS.seq} must be a positive integer`);
  if (!/^\d{1,16}$/.test(tsText)) throw new ApiError("INVALID_SIGNATURE", `${SIGNATURE_HEADERS.timestamp} must be unix milliseconds`);
  const seq = Number(seqText);
  const timestampMs = Number(tsText);

  const collector = await findCollector(openDatabase(c.env.DB), collectorId);
  if (!collector) throw new ApiError("UNKNOWN_COLLECTOR", `no collector ${collectorId}; enroll it first`);
  if (collector.status === "revoked") throw new ApiError("COLLECTOR_REVOKED", "this collector was revoked; enroll a new one");

  const skewMs = Number(c.env.INGEST_MAX_SKEW_SECONDS) * 1000;
  const now = Date.now();
  if (Math.abs(now - timestampMs) > skewMs) {
    throw new ApiError("TIMESTAMP_OUT_OF_WINDOW", `timestamp is ${Math.round((timestampMs - now) / 1000)} s from the server clock; allowed ±${skewMs / 1000} s — check the collector's clock`);
  }

  const body = await readCapped(c.req.raw, maxBytes);
  const sha256 = await sha256Hex(body);
  if (!verifyEd25519(h(SIGNATURE_HEADERS.signature)!, signedMessage(collectorId, seq, timestampMs, sha256), collector.publicKey)) {
    throw new ApiError("INVALID_SIGNATURE", "signature does not verify for this collector, seq, timestamp and body");
  }

  const limit = await c.env.INGEST_LIMITER.limit({ key: collector.id });
  if (!limit.success) throw new ApiError("RATE_LIMITED", "too many batches from this collector", { headers: { "retry-after": "60" } });

  c.set("principal", { kind: "collector", collectorId: collector.id, tenantId: collector.tenantId });
  c.set("ingest", { collector, seq, timestampMs, body, sha256 });
  setTenant(c, collector.tenantId, `collector:${collector.id}`);
  await next();
});

function verifyEd25519(signatureB64: string, message: Uint8Array, publicKeyB64: string): boolean {
  try {
    const signature = fromBase64Url(signatureB64);
    const publicKey = fromBase64Url(publicKeyB64);
    if (signature.byteLength !== 64 || publicKey.byteLength !== 32) return false;
    return ed25519.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError("BATCH_TOO_LARGE", `body exceeds ${maxBytes} bytes; split the batch`);
}

/** Reads the body without ever holding more than `maxBytes` (Content-Length may be absent or lie). */
async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
