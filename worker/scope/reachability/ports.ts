/**
 * Port sets as sorted, disjoint, inclusive [from, to] pairs packed in a flat number array:
 * [f0, t0, f1, t1, …]. Rule evaluation carves these up (first match wins), so they stay tiny.
 */
export type PortSet = readonly number[];

export const ALL_PORTS: PortSet = Object.freeze([0, 65535]);
export const NO_PORTS: PortSet = Object.freeze([]);
/** Where return traffic lands: the client's ephemeral port (AWS documents 1024-65535 for NACLs). */
export const EPHEMERAL_PORTS: PortSet = Object.freeze([1024, 65535]);

export function isEmpty(s: PortSet): boolean {
  return s.length === 0;
}

export function single(port: number): PortSet {
  return [port, port];
}

export function intersect(a: PortSet, b: PortSet): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]!, b[j]!);
    const hi = Math.min(a[i + 1]!, b[j + 1]!);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}

export function intersectRange(a: PortSet, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i += 2) {
    const lo = Math.max(a[i]!, from);
    const hi = Math.min(a[i + 1]!, to);
    if (lo <= hi) out.push(lo, hi);
  }
  return out;
}

export function subtractRange(a: PortSet, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i += 2) {
    const lo = a[i]!;
    const hi = a[i + 1]!;
    if (hi < from || lo > to) {
      out.push(lo, hi);
      continue;
    }
    if (lo < from) out.push(lo, from - 1);
    if (hi > to) out.push(to + 1, hi);
  }
  return out;
}

export function union(a: PortSet, b: PortSet): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < a.length; i += 2) pairs.push([a[i]!, a[i + 1]!]);
  for (let i = 0; i < b.length; i += 2) pairs.push([b[i]!, b[i + 1]!]);
  pairs.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1]! + 1) out[n - 1] = Math.max(out[n - 1]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

/** "443", "8000-8080", "22, 443", "all" — for summaries. */
export function describePorts(s: PortSet): string {
  if (s.length === 2 && s[0] === 0 && s[1] === 65535) return "all ports";
  const parts: string[] = [];
  for (let i = 0; i < s.length && parts.length < 6; i += 2) parts.push(s[i] === s[i + 1] ? `${s[i]}` : `${s[i]}-${s[i + 1]}`);
  if (s.length > 12) parts.push("…");
  return parts.join(", ");
}

/** IANA numbers; -1 is "every protocol". */
export const ANY_PROTOCOL = -1;
const BY_NAME: Record<string, number> = { all: ANY_PROTOCOL, "-1": ANY_PROTOCOL, tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };

/** A contract Protocol ("tcp", "all", "47") or an IANA number → a number (-1 = all). */
export function protocolNumber(p: string | number): number {
  if (typeof p === "number") return p;
  const named = BY_NAME[p.trim().toLowerCase()];
  if (named !== undefined) return named;
  const n = Number(p);
  return Number.isInteger(n) && n >= 0 && n <= 255 ? n : ANY_PROTOCOL;
}

export function protocolName(p: number): string {
  return p === 6 ? "tcp" : p === 17 ? "udp" : p === 1 ? "icmp" : p === 58 ? "icmpv6" : p === ANY_PROTOCOL ? "all" : String(p);
}

/** Protocols without ports: a rule's port range does not restrict them. */
export function portless(p: number): boolean {
  return p !== 6 && p !== 17 && p !== ANY_PROTOCOL;
}
