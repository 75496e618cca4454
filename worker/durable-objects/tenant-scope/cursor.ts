import { fromBase64Url, toBase64Url } from "../../../contract/index.js";

/** Opaque keyset cursors: the sort key of the last row, as base64url JSON. */
export function encodeCursor(key: unknown[]): string {
  return toBase64Url(new TextEncoder().encode(JSON.stringify(key)));
}

/** Returns null for anything that is not a cursor we made; the route turns that into 400. */
export function decodeCursor(cursor: string, arity: number): unknown[] | null {
  try {
    const key: unknown = JSON.parse(new TextDecoder().decode(fromBase64Url(cursor)));
    return Array.isArray(key) && key.length === arity ? key : null;
  } catch {
    return null;
  }
}
