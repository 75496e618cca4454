import { toHex } from "../../contract/index.js";

const encoder = new TextEncoder();

/**
 * RFC 8785 (JCS) canonical JSON. ES2015+ JSON.stringify already writes strings and numbers
 * exactly as JCS requires (§3.2.2), and JavaScript's default string sort orders keys by UTF-16
 * code units (§3.2.3), so JCS is JSON.stringify with sorted keys. Written out here because the
 * `canonicalize` package is ~6× slower on a 10,000-resource snapshot; the verifier uses that
 * package, so every test cross-checks the two.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new Error("JCS cannot represent NaN or Infinity");
    const s = JSON.stringify(value);
    if (s === undefined) throw new Error(`JCS cannot represent ${typeof value}`);
    return s;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") return canonicalJson((value as { toJSON: () => unknown }).toJSON());
  if (Array.isArray(value)) {
    let s = "[";
    for (let i = 0; i < value.length; i++) {
      const x: unknown = value[i];
      if (i > 0) s += ",";
      s += x === undefined || typeof x === "function" ? "null" : canonicalJson(x);
    }
    return `${s}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  let s = "{";
  let first = true;
  for (const k of keys) {
    const x = obj[k];
    if (x === undefined || typeof x === "function") continue;
    s += `${first ? "" : ","}${JSON.stringify(k)}:${canonicalJson(x)}`;
    first = false;
  }
  return `${s}}`;
}

const INDEX_KEY = /^(?:0|[1-9]\d*)$/;
const REORDER_IMPOSSIBLE = new Error("object with array-index keys");

/**
 * The same bytes as `canonicalJson`, faster: native JSON.stringify over key-sorted copies.
 * Engines always put array-index-like keys ("7", "10") first in numeric order, so a value
 * holding such an object is written by `canonicalJson` instead.
 */
export function canonicalText(value: unknown): string {
  let out: string | undefined;
  try {
    out = JSON.stringify(value, function (_key, v: unknown) {
      if (v === null || typeof v !== "object" || Array.isArray(v)) {
        if (typeof v === "number" && !Number.isFinite(v)) throw new Error("JCS cannot represent NaN or Infinity");
        return v;
      }
      if (typeof (v as { toJSON?: unknown }).toJSON === "function") return v;
      const keys = Object.keys(v).sort();
      const sorted: Record<string, unknown> = {};
      for (const k of keys) {
        if (INDEX_KEY.test(k)) throw REORDER_IMPOSSIBLE;
        sorted[k] = (v as Record<string, unknown>)[k];
      }
      return sorted;
    });
  } catch (err) {
    if (err !== REORDER_IMPOSSIBLE) throw err;
    return canonicalJson(value);
  }
  if (out === undefined) throw new Error("value has no JSON form");
  return out;
}

/** RFC 8785 canonical JSON as UTF-8 bytes: the exact bytes every hash covers. */
export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalText(value));
}

export async function sha256HexOf(bytes: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>)));
}

/** SHA-256 of the canonical form of a value, hex. */
export async function canonicalHash(value: unknown): Promise<string> {
  return sha256HexOf(canonicalBytes(value));
}
