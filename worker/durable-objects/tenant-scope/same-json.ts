/**
 * True only when `JSON.stringify(a) === JSON.stringify(b)` is certain, without building either
 * text: plain objects (same keys in the same order), arrays, strings, booleans, null and
 * finite numbers; the very same value on both sides. Anything else (a class instance, a Date,
 * a function, NaN) answers false, so a caller that falls back to comparing texts stays exact.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  // One value on both sides has one text (NaN is never === itself, so it falls through to false).
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b) || Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    const k = ka[i]!;
    if (k !== kb[i] || !sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}
