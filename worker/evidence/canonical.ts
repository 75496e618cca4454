import { toHex } from "../../contract/index.js";

const encoder = new TextEncoder();

const INDEX_KEY = /^(?:0|[1-9]\d*)$/;
const REORDER_IMPOSSIBLE = new Error("object with array-index keys");
const NOT_FINITE = "JCS cannot represent NaN or Infinity";

/**
 * RFC 8785 (JCS) canonical JSON, written out value by value. ES2015+ JSON.stringify already
 * writes strings and numbers exactly as JCS requires (§3.2.2), and JavaScript's default string
 * sort orders keys by UTF-16 code units (§3.2.3), so JCS is JSON with sorted keys. This is the
 * plain reference form; `canonicalText` gives the same bytes faster, and falls back to this one
 * for what native JSON.stringify cannot order (array-index-like keys). Tests cross-check both
 * with the independent `canonicalize` package that the verifier uses.
 *
 * A lone UTF-16 surrogate is written as JSON.stringify writes it (a `\udXXX` escape), as it
 * always was: strict JCS tools refuse such a string, but refusing it here would stop a
 * tenant's evidence and audit sealing for good over one stored name, and already sealed
 * audit rows must keep hashing the same (docs/evidence.md, Limits).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new Error(NOT_FINITE);
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

const isIndexKey = (k: string) => {
  const c = k.charCodeAt(0);
  return c >= 48 && c <= 57 && INDEX_KEY.test(k);
};

/**
 * The value with every object's keys in JCS order, copying only what is out of order: an
 * object whose keys are already sorted and whose children need nothing is returned as is, so
 * a body built with sorted keys (the scope snapshot's resources) costs one walk and no copies.
 * Each child is visited once; a copy reuses the children already computed. `copies` holds each
 * copy by its original, so an object that appears many times (the object's shared no-path
 * reason: one parsed copy per page for hundreds of resources) is reordered once.
 */
function jcsOrdered(v: unknown, copies: Map<object, unknown>): unknown {
  if (typeof v !== "object" || v === null) {
    if (typeof v === "number" && !Number.isFinite(v)) throw new Error(NOT_FINITE);
    else if (typeof v === "symbol" || typeof v === "bigint") throw new Error(`JCS cannot represent ${typeof v}`);
    return v;
  }
  const copied = copies.get(v);
  if (copied !== undefined) return copied;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      const p = jcsOrdered(x, copies);
      if (out === undefined && p !== x) out = v.slice(0, i);
      if (out !== undefined) out.push(p);
    }
    if (out === undefined) return v;
    copies.set(v, out);
    return out;
  }
  if (typeof (v as { toJSON?: unknown }).toJSON === "function") return jcsOrdered((v as { toJSON: () => unknown }).toJSON(), copies);
  const obj = v as Record<string, unknown>;
  const keys = Object.keys(obj);
  let sorted = true;
  let changed: unknown[] | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (isIndexKey(k)) throw REORDER_IMPOSSIBLE;
    if (i > 0 && keys[i - 1]! > k) sorted = false;
    const x = obj[k];
    const p = jcsOrdered(x, copies);
    if (p !== x) (changed ??= new Array<unknown>(keys.length))[i] = p;
  }
  if (sorted && changed === undefined) return obj;
  const order = keys.map((_, i) => i);
  if (!sorted) order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : 1));
  const out: Record<string, unknown> = {};
  for (const i of order) {
    const k = keys[i]!;
    const p = changed !== undefined && i in changed ? changed[i] : obj[k];
    // An own "__proto__" key (JSON.parse makes them) must stay a key, not become the prototype.
    if (k === "__proto__") Object.defineProperty(out, k, { value: p, enumerable: true, writable: true, configurable: true });
    else out[k] = p;
  }
  copies.set(v, out);
  return out;
}

/**
 * The same bytes as `canonicalJson`, fast: native JSON.stringify (no replacer) over the value
 * with its keys in JCS order (`jcsOrdered`). Engines always put array-index-like keys ("7",
 * "10") first in numeric order, so a value holding such an object is written by `canonicalJson`.
 */
export function canonicalText(value: unknown): string {
  let ordered: unknown;
  try {
    ordered = jcsOrdered(value, new Map());
  } catch (err) {
    if (err !== REORDER_IMPOSSIBLE) throw err;
    return canonicalJson(value);
  }
  const out = JSON.stringify(ordered);
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
