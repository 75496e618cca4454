import { parseDefaultV2 } from "./aws-vpc-fast.js";
import { DEFAULT_V2_FIELDS, KNOWN_FIELDS, TGW_DEFAULT_V6_FIELDS } from "./aws-formats.js";

export { DEFAULT_V2_FIELDS, parseLogFormat, TGW_DEFAULT_V6_FIELDS } from "./aws-formats.js";

/**
 * AWS VPC flow logs, default v2 format:
 *   version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
 * or any custom field order announced by a header line (as S3 delivery writes). The hot path
 * scans bytes by hand — no split, no regex, one short string per address — because a busy
 * VPC writes millions of records an hour.
 */
export interface FlowSink {
  /** IPv4 records, addresses as unsigned 32-bit numbers (the fast path: no strings made). */
  add4(
    src: number,
    dst: number,
    srcPort: number,
    dstPort: number,
    protocol: number,
    accept: boolean,
    packets: number,
    bytes: number,
    start: number,
    end: number,
  ): void;
  /** Any other address family (IPv6). */
  add(
    srcIp: string,
    dstIp: string,
    srcPort: number,
    dstPort: number,
    protocol: number,
    accept: boolean,
    packets: number,
    bytes: number,
    start: number,
    end: number,
  ): void;
}

export interface ParseStats {
  records: number;
  /** NODATA / SKIPDATA records and records with "-" in a field the summary needs. */
  skipped: number;
  malformed: number;
  headers: number;
}

const NL = 10;
const CR = 13;
const SP = 32;
const DASH = 45;
const MAX_FIELDS = 64;

export class AwsVpcFlowLogParser {
  readonly stats: ParseStats = { records: 0, skipped: 0, malformed: 0, headers: 0 };
  private carry: Buffer | undefined;
  private pushed = 0;
  private readonly starts = new Int32Array(MAX_FIELDS);
  private readonly ends = new Int32Array(MAX_FIELDS);
  // Field positions; set from the default order or a header line.
  private iSrc = 3;
  private iDst = 4;
  private iSport = 5;
  private iDport = 6;
  private iProto = 7;
  private iPackets = 8;
  private iBytes = 9;
  private iStart = 10;
  private iEnd = 11;
  private iAction = 12;
  private iStatus = 13;
  private need = 14;
  /** True while fields are in the default v2 order, where the single-pass fast path applies. */
  private defaultLayout = true;
  /** Set by a header line or an explicit format: headerless TGW detection is then off. */
  private layoutKnown = false;
  /** With a configured format, records may start with a letter (tgw-…, eni-…): only a line of field names is a header. */
  private readonly explicitFormat: boolean;

  /** `fields`: the flow log's format when the records come without a header line (CloudWatch Logs). */
  constructor(
    private readonly sink: FlowSink,
    fields?: readonly string[],
  ) {
    this.explicitFormat = fields !== undefined;
    if (fields && !this.useFields(fields)) throw new Error(`flow-log format lacks a field edges need: ${fields.join(" ")}`);
  }

  /** Bytes of input fully parsed so far (the next read may resume here). */
  get consumedBytes(): number {
    return this.pushed - (this.carry?.length ?? 0);
  }

  push(chunk: Buffer): void {
    this.pushed += chunk.length;
    let buf = chunk;
    if (this.carry) {
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    }
    let lineStart = 0;
    const len = buf.length;
    while (lineStart < len) {
      const nl = buf.indexOf(NL, lineStart);
      if (nl === -1) {
        this.carry = Buffer.from(buf.subarray(lineStart));
        return;
      }
      this.line(buf, lineStart, nl);
      lineStart = nl + 1;
    }
  }

  /** Parse a last line that had no newline. */
  end(): void {
    if (this.carry && this.carry.length > 0) {
      const c = this.carry;
      this.carry = undefined;
      this.line(c, 0, c.length);
    }
  }

  private line(buf: Buffer, start: number, stop: number): void {
    if (stop > start && buf[stop - 1] === CR) stop--;
    if (this.defaultLayout && this.fastV2(buf, start, stop)) return;
    // Split into fields on runs of spaces.
    const starts = this.starts;
    const ends = this.ends;
    let n = 0;
    let i = start;
    while (i < stop && n < MAX_FIELDS) {
      while (i < stop && buf[i] === SP) i++;
      if (i >= stop) break;
      starts[n] = i;
      while (i < stop && buf[i] !== SP) i++;
      ends[n++] = i;
    }
    if (n === 0) return;
    const first = buf[starts[0]!]!;
    if (((first >= 97 && first <= 122) || (first >= 65 && first <= 90)) && (!this.explicitFormat || KNOWN_FIELDS.has(buf.toString("latin1", starts[0]!, ends[0]!).toLowerCase().replace(/_/g, "-")))) {
      this.header(buf, n);
      return;
    }
    // A headerless Transit Gateway record in the default format (CloudWatch Logs delivery): "6 TransitGateway…".
    if (!this.layoutKnown && n === TGW_DEFAULT_V6_FIELDS.length && first === 54 && ends[0] === starts[0]! + 1 && buf[starts[1]!] === 84 /* T */) this.useFields(TGW_DEFAULT_V6_FIELDS);
    if (n < this.need) {
      this.stats.malformed++;
      return;
    }
    const iStatus = this.iStatus;
    if (iStatus >= 0 && buf[starts[iStatus]!] !== 79 /* O of OK */) {
      this.stats.skipped++; // NODATA, SKIPDATA
      return;
    }
    // Transit Gateway records have no action: what the gateway carried was let through.
    const a = this.iAction < 0 ? 65 : buf[starts[this.iAction]!];
    if (a !== 65 /* A */ && a !== 82 /* R */) {
      this.stats.skipped++;
      return;
    }
    const sS = starts[this.iSrc]!;
    const dS = starts[this.iDst]!;
    if (buf[sS] === DASH || buf[dS] === DASH) {
      this.stats.skipped++;
      return;
    }
    const proto = num(buf, starts[this.iProto]!, ends[this.iProto]!);
    const sport = num(buf, starts[this.iSport]!, ends[this.iSport]!);
    const dport = num(buf, starts[this.iDport]!, ends[this.iDport]!);
    const packets = num(buf, starts[this.iPackets]!, ends[this.iPackets]!);
    const bytes = num(buf, starts[this.iBytes]!, ends[this.iBytes]!);
    const t0 = num(buf, starts[this.iStart]!, ends[this.iStart]!);
    const t1 = num(buf, starts[this.iEnd]!, ends[this.iEnd]!);
    if (proto < 0 || packets < 0 || bytes < 0 || t0 < 0 || t1 < 0 || proto > 255) {
      // "-" (not applicable) or garbage in a field the summary needs.
      if (buf[starts[this.iProto]!] === DASH || buf[starts[this.iBytes]!] === DASH) this.stats.skipped++;
      else this.stats.malformed++;
      return;
    }
    if ((sport < 0 && buf[starts[this.iSport]!] !== DASH) || (dport < 0 && buf[starts[this.iDport]!] !== DASH) || sport > 65535 || dport > 65535) {
      this.stats.malformed++;
      return;
    }
    this.stats.records++;
    const src4 = ipv4(buf, sS, ends[this.iSrc]!);
    const dst4 = src4 < 0 ? -1 : ipv4(buf, dS, ends[this.iDst]!);
    if (dst4 >= 0) {
      this.sink.add4(src4, dst4, sport < 0 ? 0 : sport, dport < 0 ? 0 : dport, proto, a === 65, packets, bytes, t0, t1 < t0 ? t0 : t1);
      return;
    }
    this.sink.add(
      buf.toString("latin1", sS, ends[this.iSrc]!),
      buf.toString("latin1", dS, ends[this.iDst]!),
      sport < 0 ? 0 : sport,
      dport < 0 ? 0 : dport,
      proto,
      a === 65,
      packets,
      bytes,
      t0,
      t1 < t0 ? t0 : t1,
    );
  }

  private fastV2(buf: Buffer, start: number, stop: number): boolean {
    const r = this.fast;
    if (!parseDefaultV2(buf, start, stop, r)) return false;
    this.stats.records++;
    this.sink.add4(r[0]!, r[1]!, r[2]!, r[3]!, r[4]!, r[9] === 1, r[5]!, r[6]!, r[7]!, r[8]!);
    return true;
  }

  private readonly fast = new Float64Array(10);

  private header(buf: Buffer, n: number): void {
    const names: string[] = [];
    for (let f = 0; f < n; f++) names.push(buf.toString("latin1", this.starts[f]!, this.ends[f]!).toLowerCase().replace(/_/g, "-"));
    if (!this.useFields(names)) {
      this.stats.malformed++;
      return;
    }
    this.stats.headers++;
  }

  /** Field positions from a header or a configured format; false if a field edges need is absent. */
  private useFields(names: readonly string[]): boolean {
    const at = (name: string) => names.indexOf(name);
    const tgw = names.some((f) => f.startsWith("tgw-"));
    const required = ["srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", ...(tgw ? [] : ["action"])];
    if (required.some((r) => at(r) < 0)) return false;
    this.iSrc = at("srcaddr");
    this.iDst = at("dstaddr");
    this.iSport = at("srcport");
    this.iDport = at("dstport");
    this.iProto = at("protocol");
    this.iPackets = at("packets");
    this.iBytes = at("bytes");
    this.iStart = at("start");
    this.iEnd = at("end");
    this.iAction = at("action");
    this.iStatus = at("log-status");
    this.need = Math.max(...required.map(at), this.iStatus, this.iAction) + 1;
    this.defaultLayout = names.length === DEFAULT_V2_FIELDS.length && DEFAULT_V2_FIELDS.every((f, k) => names[k] === f);
    this.layoutKnown = true;
    return true;
  }
}

/** Non-negative decimal in buf[s, e); -1 if it is "-" or not a number. */
function num(buf: Buffer, s: number, e: number): number {
  if (s >= e) return -1;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/** Dotted IPv4 in buf[s, e) as an unsigned 32-bit number; -1 if it is not one. */
export function ipv4(buf: Uint8Array, s: number, e: number): number {
  let v = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    if (c === 46) {
      if (digits === 0 || part > 255) return -1;
      v = v * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else {
      const d = c - 48;
      if (d < 0 || d > 9 || ++digits > 3) return -1;
      part = part * 10 + d;
    }
  }
  if (dots !== 3 || digits === 0 || part > 255) return -1;
  return v * 256 + part;
}
