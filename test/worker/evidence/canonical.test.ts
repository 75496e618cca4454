import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import { canonicalBytes, canonicalJson, canonicalText } from "../../../worker/evidence/canonical.js";
import { buildScopeSnapshot } from "../../../worker/evidence/snapshot.js";
import type { ScopeData } from "../../../worker/evidence/source.js";

/** Our two writers and the independent package the verifier (and an assessor) uses. */
function expectCanonical(value: unknown) {
  const reference = canonicalize(value);
  const before = JSON.stringify(value);
  expect(canonicalText(value)).toBe(reference);
  expect(canonicalJson(value)).toBe(reference);
  expect(new TextDecoder().decode(canonicalBytes(value))).toBe(reference);
  // Canonicalizing never reorders or copies back into the caller's value.
  expect(JSON.stringify(value)).toBe(before);
}

/** Deterministic PRNG (mulberry32), so a failure names a reproducible case. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYS = ["a", "b", "B", "aa", "", " ", "é", "e\u0301", "\u{1F600}", "\uFFFF", "\u00FF", "z", "Z", "_", "-", "€", "\u2028", "key with space", "kéy", "ab", "a\u0000", "\u{10000}", "ﬀ", "0a", "1.5", "-1", "01"];
const STRINGS = ["", "plain", "quote\"back\\slash", "line\nbreak\ttab\r", "\u0000\u001f\u007f", "\u2028\u2029", "é", "\u{1F4A9} pile", "日本語", "</script>", "\uFFFD", "a\u0301"];
const NUMBERS = [0, -0, 1, -1, 0.1, 0.1 + 0.2, 1e21, 1e20, 1e-7, 1e-6, -1e21, 5e-324, Number.MAX_VALUE, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 123456789.123456789, 4.35, 1 / 3, 9007199254740993, 333333333.3333333, 1e300 * 10, -5e-324];

function randomValue(r: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const k = r();
  if (depth <= 0 || k < 0.45) {
    const p = r();
    if (p < 0.35) return pick(STRINGS);
    if (p < 0.7) return r() < 0.5 ? pick(NUMBERS) : (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20);
    if (p < 0.85) return r() < 0.5;
    return null;
  }
  if (k < 0.7) return Array.from({ length: Math.floor(r() * 5) }, () => randomValue(r, depth - 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 7); i > 0; i--) o[pick(KEYS)] = randomValue(r, depth - 1);
  return o;
}

describe("RFC 8785 canonical JSON (worker/evidence/canonical.ts) against the canonicalize package", () => {
  it("numbers as ES2015 Number-to-String: 1e21, 1e-7, -0, the extremes", () => {
    for (const n of NUMBERS) expectCanonical({ n, list: [n, [n, { n }]] });
    expect(canonicalText([1e21, 1e-7, -0, 0.000001, 1e20])).toBe("[1e+21,1e-7,0,0.000001,100000000000000000000]");
  });

  it("strings: only the JSON-mandatory escapes, everything else as UTF-8", () => {
    for (const s of STRINGS) expectCanonical({ [s]: s });
    expect(new TextDecoder().decode(canonicalBytes({ "€": "\u{1F600}\u2028\u0007" }))).toBe('{"€":"\u{1F600}\u2028\\u0007"}');
  });

  it("keys sorted by UTF-16 code units (a supplementary character sorts before U+FFFF), at every depth", () => {
    const o = { "\uFFFF": 1, "\u{1F600}": 2, "\u00FF": 3, b: 4, B: 5, a: { z: [1, { y: 2, x: 3 }], "": 0 } };
    expectCanonical(o);
    expect(canonicalText(o)).toBe('{"B":5,"a":{"":0,"z":[1,{"x":3,"y":2}]},"b":4,"ÿ":3,"\u{1F600}":2,"\uFFFF":1}');
  });

  it("nested and empty arrays and objects, null, booleans, undefined members dropped, Dates as ISO strings", () => {
    expectCanonical({ a: [[], [[[]]], [{}, [{ b: [null, true, false] }]]], e: {}, n: null, u: undefined, d: new Date(0) });
    expect(canonicalText({ u: undefined, a: [undefined] })).toBe('{"a":[null]}');
  });

  it("array-index keys (which engines enumerate first, numerically) still sort as strings", () => {
    const o = { b: 1, "10": 2, "7": 3, "!": 4, "01": 5, a: { "2": [{ "1": 0, "0": 1 }] } };
    expectCanonical(o);
    expect(canonicalText(o)).toBe('{"!":4,"01":5,"10":2,"7":3,"a":{"2":[{"0":1,"1":0}]},"b":1}');
  });

  it("an own __proto__ key (as JSON.parse makes one) stays a key", () => {
    expectCanonical(JSON.parse('{"z":1,"__proto__":{"b":2,"a":1}}'));
    expect(canonicalText(JSON.parse('{"z":1,"__proto__":{"b":2,"a":1}}'))).toBe('{"__proto__":{"a":1,"b":2},"z":1}');
  });

  it("2,000 random documents (unicode keys, awkward numbers, nesting to depth 5) give the package's bytes", () => {
    const r = rng(8785);
    for (let i = 0; i < 2_000; i++) expectCanonical(randomValue(r, 5));
  });

  it("a scope snapshot body (keys written in JCS order, reasons as stored) gives the package's bytes", () => {
    const data = {
      summary: { classifiedAt: 1_700_000_000_000, lastScan: { scanId: "s1", collectorId: "c1", committedAt: 1_700_000_000_000 } },
      resources: Array.from({ length: 300 }, (_, i) => ({
        uid: `arn:aws:ec2:eu-west-1:111111111111:instance/i-${i}`, provider: "aws", account: "111111111111", region: "eu-west-1", kind: "instance",
        name: i % 5 === 0 ? `hôte ${i} \u{1F680} "q"` : `host-${i}`, tags: i === 7 ? { team: "pay", "10": "x" } : { team: "pay", "pci:scope": "cde", Zone: "b" }, stale: i % 7 === 0,
        scope: i % 3 === 0 ? "cde" : i % 3 === 1 ? "connected" : null, confidence: i % 3 === 2 ? null : 0.9 + i / 1e4, overridden: false,
        firstSeen: 1_700_000_000_000, lastSeen: 1_700_000_000_000 + i,
        reasons: i % 3 === 2 ? [] : [{ rule: "tag.pci_scope", scope: "cde", confidence: 1, pci: ["PCI DSS 12.5.2"], summary: `tagged ${i}`, evidence: [{ type: "tag", key: "pci:scope", value: "cde" }] }],
      })),
    } as unknown as ScopeData;
    const body = buildScopeSnapshot(data);
    expectCanonical(body);
    expectCanonical({ format: "psg-evidence/1", kind: "scope_snapshot", seq: 1, prevHash: null, body });
    expect(body.resources[0]!.tags).toEqual({ team: "pay", "pci:scope": "cde", Zone: "b" });
    // The built resource objects already have their keys in JCS order (nothing to reorder).
    const keys = Object.keys(body.resources[0]!);
    expect(keys).toEqual([...keys].sort());
    // Without the one tag map that has an array-index key, the fast path writes it all.
    expectCanonical({ ...body, resources: body.resources.filter((_, i) => i !== 7) });
  });

  it("refuses what JCS cannot represent, naming it: NaN, Infinity, BigInt", () => {
    for (const bad of [{ a: NaN }, [Infinity], { x: [-Infinity] }]) {
      expect(() => canonicalText(bad)).toThrow(/NaN or Infinity/);
      expect(() => canonicalJson(bad)).toThrow(/NaN or Infinity/);
    }
    expect(() => canonicalText({ n: 1n })).toThrow(/bigint/);
  });

  it("a lone surrogate is written as the escape JSON.stringify makes, by both writers, never as raw text", () => {
    const v = { name: "broken \uD800 name", ["\uDC00key"]: ["\uDBFF"], "7": "\uD800" };
    const want = '{"7":"\\ud800","name":"broken \\ud800 name","\\udc00key":["\\udbff"]}';
    expect(canonicalText(v)).toBe(want);
    expect(canonicalJson(v)).toBe(want);
    expect(canonicalText({ name: "broken \uD800 name", ["\uDC00key"]: ["\uDBFF"] })).toBe('{"name":"broken \\ud800 name","\\udc00key":["\\udbff"]}');
  });
});
