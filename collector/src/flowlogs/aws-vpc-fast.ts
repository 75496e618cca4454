/**
 * The hot path for AWS VPC flow logs: one pass over a default-v2 record with IPv4
 * addresses and an OK status, decoding addresses and numbers while scanning (no field
 * table, no strings). Anything else — a header, "-", IPv6, NODATA, odd spacing — returns
 * false (whatever it wrote to `out` is then ignored), and takes the parser's general path.
 *
 * out: [src, dst, srcport, dstport, protocol, packets, bytes, start, end, accept(1|0)]
 */
const SP = 32;

export function parseDefaultV2(buf: Uint8Array, start: number, stop: number, out: Float64Array): boolean {
  let i = start;
  // version, account-id, interface-id
  for (let f = 0; f < 3; f++) {
    while (i < stop && buf[i] !== SP) i++;
    if (++i >= stop) return false;
  }
  // srcaddr, dstaddr
  let src = 0;
  let dst = 0;
  for (let f = 0; f < 2; f++) {
    let v = 0;
    let part = 0;
    let digits = 0;
    let dots = 0;
    for (;;) {
      if (i >= stop) return false;
      const c = buf[i++]!;
      if (c === SP) break;
      if (c === 46) {
        if (digits === 0 || part > 255) return false;
        v = v * 256 + part;
        part = 0;
        digits = 0;
        dots++;
      } else {
        const d = c - 48;
        if (d < 0 || d > 9 || ++digits > 3) return false;
        part = part * 10 + d;
      }
    }
    if (dots !== 3 || digits === 0 || part > 255) return false;
    if (f === 0) src = v * 256 + part;
    else dst = v * 256 + part;
  }
  // srcport dstport protocol packets bytes start end → out[2..8]
  for (let f = 2; f < 9; f++) {
    let v = 0;
    const s0 = i;
    for (;;) {
      if (i >= stop) return false;
      const c = buf[i++]!;
      if (c === SP) break;
      const d = c - 48;
      if (d < 0 || d > 9) return false;
      v = v * 10 + d;
    }
    if (i - 1 === s0) return false;
    out[f] = v;
  }
  const a = buf[i];
  if (a !== 65 /* ACCEPT */ && a !== 82 /* REJECT */) return false;
  while (i < stop && buf[i] !== SP) i++;
  if (i + 1 >= stop || buf[i + 1] !== 79 /* OK */) return false;
  if (out[2]! > 65535 || out[3]! > 65535 || out[4]! > 255) return false;
  if (out[8]! < out[7]!) out[8] = out[7]!;
  out[0] = src;
  out[1] = dst;
  out[9] = a === 65 ? 1 : 0;
  return true;
}
