/** IPv4 text → unsigned 32-bit integer, or -1 if it is not a dotted quad. */
export function ipv4ToInt(ip: string): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      part = part * 10 + (c - 48);
      digits++;
      if (digits > 3) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0 || part > 255) return -1;
  return value * 256 + part;
}

export interface Ipv4Range {
  /** First and last address, inclusive, as unsigned integers. */
  first: number;
  last: number;
  prefix: number;
}

/** "10.1.0.0/16" → its address range; a bare address is a /32; anything else (IPv6, junk) → undefined. */
export function parseIpv4Cidr(cidr: string): Ipv4Range | undefined {
  const slash = cidr.indexOf("/");
  const ip = ipv4ToInt(slash < 0 ? cidr : cidr.slice(0, slash));
  if (ip < 0) return undefined;
  const prefix = slash < 0 ? 32 : Number(cidr.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const first = Math.floor(ip / size) * size;
  return { first, last: first + size - 1, prefix };
}

/** 0.0.0.0/0 or ::/0: "anywhere". */
export function isAnywhere(cidr: string): boolean {
  const c = cidr.trim();
  return c === "0.0.0.0/0" || c === "::/0";
}
