import type { FlowSink, ParseStats } from "./aws-vpc.js";

/** Dotted IPv4 text → unsigned 32-bit number, or -1. */
export function ipv4Text(s: string): number {
  let n = 0;
  let octet = -1;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (octet < 0 || ++dots > 3) return -1;
      n = n * 256 + octet;
      octet = -1;
    } else if (c >= 48 && c <= 57) {
      octet = (octet < 0 ? 0 : octet * 10) + (c - 48);
      if (octet > 255) return -1;
    } else return -1;
  }
  return dots === 3 && octet >= 0 ? n * 256 + octet : -1;
}

/** Hands one flow to the sink, IPv4 on the fast path, anything else as text. */
export function addFlow(sink: FlowSink, src: string, dst: string, sport: number, dport: number, proto: number, accept: boolean, packets: number, bytes: number, t0: number, t1: number): void {
  const s4 = ipv4Text(src);
  const d4 = s4 < 0 ? -1 : ipv4Text(dst);
  if (d4 >= 0) sink.add4(s4, d4, sport, dport, proto, accept, packets, bytes, t0, t1 < t0 ? t0 : t1);
  else sink.add(src, dst, sport, dport, proto, accept, packets, bytes, t0, t1 < t0 ? t0 : t1);
}

export function emptyStats(): ParseStats {
  return { records: 0, skipped: 0, malformed: 0, headers: 0 };
}

/** A non-negative integer field, "" (not reported) as 0; -1 for garbage. */
export function count(s: string | undefined): number {
  if (s === undefined || s === "") return 0;
  return /^\d{1,15}$/.test(s) ? Number(s) : -1;
}
