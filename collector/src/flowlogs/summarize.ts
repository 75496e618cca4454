import { isIP } from "node:net";
import type { FlowEdge } from "../../../contract/index.js";
import type { FlowSink } from "./aws-vpc.js";

/**
 * Folds flow records into edges keyed by (client IP, server IP, server port, protocol,
 * action). The client's ephemeral port is dropped and the direction normalized, so the
 * memory used grows with distinct edges, never with records.
 */

/** Ports that identify a server even above 1024 (databases, caches, brokers, web alt...). */
export const KNOWN_SERVICE_PORTS = [
  1080, 1194, 1433, 1434, 1521, 1723, 1883, 2049, 2181, 2375, 2376, 2379, 2380, 3000, 3128, 3268, 3269, 3306, 3389, 4222, 4369, 5000,
  5044, 5060, 5061, 5222, 5432, 5439, 5601, 5671, 5672, 5900, 5984, 5985, 5986, 6000, 6379, 6443, 6514, 7000, 7001, 7199, 7474, 7687,
  8000, 8008, 8080, 8081, 8086, 8088, 8125, 8200, 8443, 8500, 8883, 8888, 9000, 9042, 9090, 9092, 9093, 9100, 9200, 9300, 9418, 9443,
  10250, 11211, 15672, 27017, 27018, 27019, 50000,
];

const WELL_KNOWN = new Uint8Array(65536);
for (let p = 1; p < 1024; p++) WELL_KNOWN[p] = 1;
for (const p of KNOWN_SERVICE_PORTS) WELL_KNOWN[p] = 1;
const EPHEMERAL_FROM = 32768;

/** True when the record's source port is the server's (so src and dst must be swapped). */
export function sourceIsServer(srcPort: number, dstPort: number): boolean {
  const sWell = WELL_KNOWN[srcPort] === 1;
  const dWell = WELL_KNOWN[dstPort] === 1;
  if (sWell !== dWell) return sWell;
  const sEph = srcPort >= EPHEMERAL_FROM;
  const dEph = dstPort >= EPHEMERAL_FROM;
  if (sEph !== dEph) return dEph;
  // Both well-known or both in the same band: the lower port is the service.
  return srcPort < dstPort;
}

const PORTED = new Uint8Array(256);
PORTED[6] = 1; // TCP
PORTED[17] = 1; // UDP
PORTED[132] = 1; // SCTP

interface Agg {
  srcIp: string;
  dstIp: string;
  dstPort: number;
  protocol: number;
  accept: boolean;
  packets: number;
  bytes: number;
  flows: number;
  firstSeen: number;
  lastSeen: number;
}

/**
 * IPv4 edges live in an open-addressing hash table over typed arrays (key: src, dst and
 * port/protocol/action packed in three 32-bit words), so the hot path allocates nothing.
 * Other addresses (IPv6) go to a Map keyed by a compact string.
 */
export class FlowSummary implements FlowSink {
  private cap = 1 << 12;
  private mask = this.cap - 1;
  private used = 0;
  private kSrc = new Uint32Array(this.cap);
  private kDst = new Uint32Array(this.cap);
  /** (port << 9 | protocol << 1 | accept) + 1; 0 marks an empty slot. */
  private kMeta = new Uint32Array(this.cap);
  private vPackets = new Float64Array(this.cap);
  private vBytes = new Float64Array(this.cap);
  private vFlows = new Uint32Array(this.cap);
  private vFirst = new Float64Array(this.cap);
  private vLast = new Float64Array(this.cap);
  private readonly other = new Map<string, Agg>();
  records = 0;

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
  ): void {
    this.records++;
    let port = 0;
    if (PORTED[protocol] === 1) {
      if (sourceIsServer(srcPort, dstPort)) {
        const t = src;
        src = dst;
        dst = t;
        port = srcPort;
      } else {
        port = dstPort;
      }
    }
    const meta = ((port << 9) | (protocol << 1) | (accept ? 1 : 0)) + 1;
    let i = edgeHash(src, dst, meta) & this.mask;
    const kMeta = this.kMeta;
    for (;;) {
      const m = kMeta[i]!;
      if (m === 0) break;
      if (m === meta && this.kSrc[i] === src >>> 0 && this.kDst[i] === dst >>> 0) {
        this.vPackets[i]! += packets;
        this.vBytes[i]! += bytes;
        this.vFlows[i]!++;
        if (start < this.vFirst[i]!) this.vFirst[i] = start;
        if (end > this.vLast[i]!) this.vLast[i] = end;
        return;
      }
      i = (i + 1) & this.mask;
    }
    kMeta[i] = meta;
    this.kSrc[i] = src;
    this.kDst[i] = dst;
    this.vPackets[i] = packets;
    this.vBytes[i] = bytes;
    this.vFlows[i] = 1;
    this.vFirst[i] = start;
    this.vLast[i] = end;
    if (++this.used * 2 > this.cap) this.grow();
  }

  private grow(): void {
    const old = { kSrc: this.kSrc, kDst: this.kDst, kMeta: this.kMeta, p: this.vPackets, b: this.vBytes, f: this.vFlows, t0: this.vFirst, t1: this.vLast };
    const oldCap = this.cap;
    this.cap *= 2;
    this.mask = this.cap - 1;
    this.kSrc = new Uint32Array(this.cap);
    this.kDst = new Uint32Array(this.cap);
    this.kMeta = new Uint32Array(this.cap);
    this.vPackets = new Float64Array(this.cap);
    this.vBytes = new Float64Array(this.cap);
    this.vFlows = new Uint32Array(this.cap);
    this.vFirst = new Float64Array(this.cap);
    this.vLast = new Float64Array(this.cap);
    for (let j = 0; j < oldCap; j++) {
      const meta = old.kMeta[j]!;
      if (meta === 0) continue;
      const src = old.kSrc[j]!;
      const dst = old.kDst[j]!;
      let i = edgeHash(src, dst, meta) & this.mask;
      while (this.kMeta[i] !== 0) i = (i + 1) & this.mask;
      this.kMeta[i] = meta;
      this.kSrc[i] = src;
      this.kDst[i] = dst;
      this.vPackets[i] = old.p[j]!;
      this.vBytes[i] = old.b[j]!;
      this.vFlows[i] = old.f[j]!;
      this.vFirst[i] = old.t0[j]!;
      this.vLast[i] = old.t1[j]!;
    }
  }

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
  ): void {
    this.records++;
    let port = 0;
    if (PORTED[protocol] === 1) {
      if (sourceIsServer(srcPort, dstPort)) {
        const t = srcIp;
        srcIp = dstIp;
        dstIp = t;
        port = srcPort;
      } else {
        port = dstPort;
      }
    }
    const key = srcIp + " " + dstIp + " " + (port * 512 + protocol * 2 + (accept ? 1 : 0));
    const e = this.other.get(key);
    if (e === undefined) {
      this.other.set(key, { srcIp, dstIp, dstPort: port, protocol, accept, packets, bytes, flows: 1, firstSeen: start, lastSeen: end });
      return;
    }
    e.packets += packets;
    e.bytes += bytes;
    e.flows++;
    if (start < e.firstSeen) e.firstSeen = start;
    if (end > e.lastSeen) e.lastSeen = end;
  }

  /** Distinct edges so far. */
  get size(): number {
    return this.used + this.other.size;
  }

  /**
   * The edges in contract shape, with src/dst uids where an address belongs to a known
   * resource. Edges whose addresses are not valid IPs are dropped (and counted).
   */
  toEdges(ipToUid?: ReadonlyMap<string, string>): { edges: FlowEdge[]; invalid: number } {
    const edges: FlowEdge[] = [];
    let invalid = 0;
    const push = (a: Agg) => {
      const srcUid = ipToUid?.get(a.srcIp);
      const dstUid = ipToUid?.get(a.dstIp);
      edges.push({
        srcIp: a.srcIp,
        dstIp: a.dstIp,
        dstPort: a.dstPort,
        protocol: a.protocol,
        action: a.accept ? "accept" : "reject",
        packets: a.packets,
        bytes: a.bytes,
        flows: a.flows,
        firstSeen: a.firstSeen,
        lastSeen: a.lastSeen,
        ...(srcUid ? { srcUid } : {}),
        ...(dstUid ? { dstUid } : {}),
      });
    };
    for (let i = 0; i < this.cap; i++) {
      const meta = this.kMeta[i]!;
      if (meta === 0) continue;
      const m = meta - 1;
      push({
        srcIp: ipv4ToString(this.kSrc[i]!),
        dstIp: ipv4ToString(this.kDst[i]!),
        dstPort: m >>> 9,
        protocol: (m >>> 1) & 255,
        accept: (m & 1) === 1,
        packets: this.vPackets[i]!,
        bytes: this.vBytes[i]!,
        flows: this.vFlows[i]!,
        firstSeen: this.vFirst[i]!,
        lastSeen: this.vLast[i]!,
      });
    }
    for (const a of this.other.values()) {
      if (!isIP(a.srcIp) || !isIP(a.dstIp)) {
        invalid++;
        continue;
      }
      push(a);
    }
    return { edges, invalid };
  }
}

/** Mixes the three key words (murmur3's finalizer) so that similar addresses spread over the table. */
function edgeHash(src: number, dst: number, meta: number): number {
  let h = Math.imul(src ^ (src >>> 16), 0x9e3779b1) ^ dst;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) ^ meta;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

export function ipv4ToString(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}
