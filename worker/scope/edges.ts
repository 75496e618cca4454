import type { FlowEdge } from "../../contract/index.js";

/**
 * Flow edges read by index, whether they are held as `FlowEdge` objects or as columns
 * (`EdgeTable`). The classifier reads edges only through this, so a 1M-edge tenant need not
 * be 1M JS objects (a deployed Durable Object has 128 MB).
 */
export interface EdgeSource {
  readonly length: number;
  accepted(j: number): boolean;
  dstPort(j: number): number;
  protocol(j: number): number;
  packets(j: number): number;
  bytes(j: number): number;
  flows(j: number): number;
  firstSeen(j: number): number;
  lastSeen(j: number): number;
  srcIp(j: number): string;
  dstIp(j: number): string;
  srcUid(j: number): string | undefined;
  dstUid(j: number): string | undefined;
  /** The edge as a contract object (built on demand by a table: only for evidence). */
  edge(j: number): FlowEdge;
}

/** `FlowEdge[]` seen through `EdgeSource`. */
export class FlowEdgeArray implements EdgeSource {
  constructor(readonly edges: readonly FlowEdge[]) {}
  get length(): number {
    return this.edges.length;
  }
  accepted(j: number): boolean {
    return this.edges[j]!.action === "accept";
  }
  dstPort(j: number): number {
    return this.edges[j]!.dstPort;
  }
  protocol(j: number): number {
    return this.edges[j]!.protocol;
  }
  packets(j: number): number {
    return this.edges[j]!.packets;
  }
  bytes(j: number): number {
    return this.edges[j]!.bytes;
  }
  flows(j: number): number {
    return this.edges[j]!.flows;
  }
  firstSeen(j: number): number {
    return this.edges[j]!.firstSeen;
  }
  lastSeen(j: number): number {
    return this.edges[j]!.lastSeen;
  }
  srcIp(j: number): string {
    return this.edges[j]!.srcIp;
  }
  dstIp(j: number): string {
    return this.edges[j]!.dstIp;
  }
  srcUid(j: number): string | undefined {
    return this.edges[j]!.srcUid;
  }
  dstUid(j: number): string | undefined {
    return this.edges[j]!.dstUid;
  }
  edge(j: number): FlowEdge {
    return this.edges[j]!;
  }
}

/** Either form the classifier accepts, as an `EdgeSource`. */
export function edgeSource(edges: readonly FlowEdge[] | EdgeTable): EdgeSource {
  return edges instanceof EdgeTable ? edges : new FlowEdgeArray(edges);
}

/** A counter column: 4 bytes per value while every value is a uint32, widened to float64 (exact integers) once one is not. */
type Counts = Uint32Array<ArrayBuffer> | Float64Array<ArrayBuffer>;

function fitsU32(v: number): boolean {
  return v >= 0 && v <= 0xffffffff && Number.isInteger(v);
}

/** String interning: id ↔ string. */
class Strings {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();
  id(s: string): number {
    let k = this.ids.get(s);
    if (k === undefined) {
      k = this.list.length;
      this.ids.set(s, k);
      this.list.push(s);
    }
    return k;
  }
  find(s: string): number | undefined {
    return this.ids.get(s);
  }
}

const GROWTH = 1.5;

/**
 * Flow edges as columns: addresses and uids as ids into two string tables, ports, protocol
 * and action in small typed arrays, counts and times in uint32 columns (widened to float64
 * only if a value needs it). About 40 bytes per edge plus 8 for the per-uid index, against
 * ~300 for a `FlowEdge` object with its own strings.
 *
 * Appendable (`push`) and updatable in place (`set`, same index: counts widened by a merge,
 * a uid filled in later): edge order is insertion order, as the classifier's determinism
 * needs (ties in evidence order fall back to it).
 *
 * The per-uid index lists, for each uid, the edges with it at either end in ascending edge
 * order, so a resource's edges are read in O(its edges). It is a linked list through
 * `next` over slots (slot 2j: edge j from its source's side, 2j+1: from its destination's).
 */
export class EdgeTable implements EdgeSource {
  private cap: number;
  private n = 0;
  private srcIpId: Int32Array<ArrayBuffer>;
  private dstIpId: Int32Array<ArrayBuffer>;
  private srcUidId: Int32Array<ArrayBuffer>;
  private dstUidId: Int32Array<ArrayBuffer>;
  private port: Uint16Array<ArrayBuffer>;
  private proto: Uint8Array<ArrayBuffer>;
  private act: Uint8Array<ArrayBuffer>;
  private packetsCol: Counts;
  private bytesCol: Counts;
  private flowsCol: Counts;
  private firstCol: Counts;
  private lastCol: Counts;
  private readonly ips = new Strings();
  private readonly uids = new Strings();
  /** Per uid id: first and last slot of its list (-1: none). */
  private head: Int32Array<ArrayBuffer>;
  private tail: Int32Array<ArrayBuffer>;
  /** Per slot: the next slot in the same uid's list (-1: end). */
  private next: Int32Array<ArrayBuffer>;

  constructor(capacity = 1024) {
    const cap = Math.max(16, capacity);
    this.cap = cap;
    this.srcIpId = new Int32Array(cap);
    this.dstIpId = new Int32Array(cap);
    this.srcUidId = new Int32Array(cap);
    this.dstUidId = new Int32Array(cap);
    this.port = new Uint16Array(cap);
    this.proto = new Uint8Array(cap);
    this.act = new Uint8Array(cap);
    this.packetsCol = new Uint32Array(cap);
    this.bytesCol = new Uint32Array(cap);
    this.flowsCol = new Uint32Array(cap);
    this.firstCol = new Uint32Array(cap);
    this.lastCol = new Uint32Array(cap);
    this.next = new Int32Array(cap * 2);
    this.head = new Int32Array(256).fill(-1);
    this.tail = new Int32Array(256).fill(-1);
  }

  static from(edges: Iterable<FlowEdge> & { length?: number }): EdgeTable {
    const t = new EdgeTable(edges.length ?? 1024);
    for (const e of edges) t.push(e);
    return t;
  }

  get length(): number {
    return this.n;
  }

  /** Appends an edge; returns its index. */
  push(e: FlowEdge): number {
    if (this.n === this.cap) this.grow(Math.ceil(this.cap * GROWTH));
    const j = this.n++;
    this.write(j, e);
    const s = this.srcUidId[j]!;
    const d = this.dstUidId[j]!;
    if (s >= 0) this.append(s, 2 * j);
    if (d >= 0) this.append(d, 2 * j + 1);
    return j;
  }

  /** Replaces edge `j` in place (a merged row: wider window, more counts, a uid now mapped). */
  set(j: number, e: FlowEdge): void {
    if (j < 0 || j >= this.n) throw new RangeError(`edge ${j} out of range (${this.n} edges)`);
    const oldS = this.srcUidId[j]!;
    const oldD = this.dstUidId[j]!;
    this.write(j, e);
    const s = this.srcUidId[j]!;
    const d = this.dstUidId[j]!;
    if (s !== oldS) {
      if (oldS >= 0) this.unlink(oldS, 2 * j);
      if (s >= 0) this.insert(s, 2 * j);
    }
    if (d !== oldD) {
      if (oldD >= 0) this.unlink(oldD, 2 * j + 1);
      if (d >= 0) this.insert(d, 2 * j + 1);
    }
  }

  private write(j: number, e: FlowEdge): void {
    this.srcIpId[j] = this.ips.id(e.srcIp);
    this.dstIpId[j] = this.ips.id(e.dstIp);
    this.srcUidId[j] = e.srcUid === undefined ? -1 : this.uidId(e.srcUid);
    this.dstUidId[j] = e.dstUid === undefined ? -1 : this.uidId(e.dstUid);
    this.port[j] = e.dstPort;
    this.proto[j] = e.protocol;
    this.act[j] = e.action === "accept" ? 1 : 0;
    this.packetsCol = put(this.packetsCol, j, e.packets);
    this.bytesCol = put(this.bytesCol, j, e.bytes);
    this.flowsCol = put(this.flowsCol, j, e.flows);
    this.firstCol = put(this.firstCol, j, e.firstSeen);
    this.lastCol = put(this.lastCol, j, e.lastSeen);
  }

  private uidId(uid: string): number {
    const k = this.uids.id(uid);
    if (k >= this.head.length) {
      const size = Math.max(k + 1, Math.ceil(this.head.length * GROWTH));
      const h = new Int32Array(size).fill(-1);
      const t = new Int32Array(size).fill(-1);
      h.set(this.head);
      t.set(this.tail);
      this.head = h;
      this.tail = t;
    }
    return k;
  }

  private append(u: number, slot: number): void {
    this.next[slot] = -1;
    const t = this.tail[u]!;
    if (t < 0) this.head[u] = slot;
    else this.next[t] = slot;
    this.tail[u] = slot;
  }

  private unlink(u: number, slot: number): void {
    let prev = -1;
    let k = this.head[u]!;
    while (k >= 0 && k !== slot) {
      prev = k;
      k = this.next[k]!;
    }
    if (k < 0) return;
    const after = this.next[k]!;
    if (prev < 0) this.head[u] = after;
    else this.next[prev] = after;
    if (this.tail[u] === slot) this.tail[u] = prev;
  }

  /** Into `u`'s list in slot order (an update that maps a uid later). */
  private insert(u: number, slot: number): void {
    let prev = -1;
    let k = this.head[u]!;
    while (k >= 0 && k < slot) {
      prev = k;
      k = this.next[k]!;
    }
    this.next[slot] = k;
    if (prev < 0) this.head[u] = slot;
    else this.next[prev] = slot;
    if (k < 0) this.tail[u] = slot;
  }

  private grow(cap: number): void {
    const g = <T extends Int32Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Uint8Array<ArrayBuffer> | Counts>(a: T, size = cap): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a as never);
      return b;
    };
    this.srcIpId = g(this.srcIpId);
    this.dstIpId = g(this.dstIpId);
    this.srcUidId = g(this.srcUidId);
    this.dstUidId = g(this.dstUidId);
    this.port = g(this.port);
    this.proto = g(this.proto);
    this.act = g(this.act);
    this.packetsCol = g(this.packetsCol);
    this.bytesCol = g(this.bytesCol);
    this.flowsCol = g(this.flowsCol);
    this.firstCol = g(this.firstCol);
    this.lastCol = g(this.lastCol);
    this.next = g(this.next, cap * 2);
    this.cap = cap;
  }

  accepted(j: number): boolean {
    return this.act[j] === 1;
  }
  dstPort(j: number): number {
    return this.port[j]!;
  }
  protocol(j: number): number {
    return this.proto[j]!;
  }
  packets(j: number): number {
    return this.packetsCol[j]!;
  }
  bytes(j: number): number {
    return this.bytesCol[j]!;
  }
  flows(j: number): number {
    return this.flowsCol[j]!;
  }
  firstSeen(j: number): number {
    return this.firstCol[j]!;
  }
  lastSeen(j: number): number {
    return this.lastCol[j]!;
  }
  srcIp(j: number): string {
    return this.ips.list[this.srcIpId[j]!]!;
  }
  dstIp(j: number): string {
    return this.ips.list[this.dstIpId[j]!]!;
  }
  srcUid(j: number): string | undefined {
    const k = this.srcUidId[j]!;
    return k < 0 ? undefined : this.uids.list[k];
  }
  dstUid(j: number): string | undefined {
    const k = this.dstUidId[j]!;
    return k < 0 ? undefined : this.uids.list[k];
  }
  edge(j: number): FlowEdge {
    const e: FlowEdge = {
      srcIp: this.srcIp(j), dstIp: this.dstIp(j), dstPort: this.port[j]!, protocol: this.proto[j]!, action: this.act[j] === 1 ? "accept" : "reject",
      packets: this.packetsCol[j]!, bytes: this.bytesCol[j]!, flows: this.flowsCol[j]!, firstSeen: this.firstCol[j]!, lastSeen: this.lastCol[j]!,
    };
    const s = this.srcUidId[j]!;
    const d = this.dstUidId[j]!;
    if (s >= 0) e.srcUid = this.uids.list[s]!;
    if (d >= 0) e.dstUid = this.uids.list[d]!;
    return e;
  }

  *[Symbol.iterator](): IterableIterator<FlowEdge> {
    for (let j = 0; j < this.n; j++) yield this.edge(j);
  }

  /** Distinct uids seen at either end so far; ids are positions in this list and never change. */
  get uidList(): readonly string[] {
    return this.uids.list;
  }
  /** uid ids of edge `j`'s ends (-1: unmapped). */
  srcUidIdOf(j: number): number {
    return this.srcUidId[j]!;
  }
  dstUidIdOf(j: number): number {
    return this.dstUidId[j]!;
  }
  /** The id of a uid seen on some edge, or undefined. */
  findUid(uid: string): number | undefined {
    return this.uids.find(uid);
  }

  /** Edges with `uid` at either end, ascending, each once (a self-loop too). */
  edgesOf(uid: string): number[] {
    const u = this.uids.find(uid);
    const out: number[] = [];
    if (u === undefined) return out;
    for (let k = this.head[u]!; k >= 0; k = this.next[k]!) {
      const j = k >> 1;
      if (out.length === 0 || out[out.length - 1] !== j) out.push(j);
    }
    return out;
  }

  /** First slot of uid id `u`'s list, then `nextSlot`; the edge is `slot >> 1`. */
  firstSlot(u: number): number {
    return u < this.head.length ? this.head[u]! : -1;
  }
  nextSlot(slot: number): number {
    return this.next[slot]!;
  }

  /** Bytes held by the typed arrays (capacity, not just length); the string tables are on top. */
  get byteLength(): number {
    let b = 0;
    for (const a of [this.srcIpId, this.dstIpId, this.srcUidId, this.dstUidId, this.port, this.proto, this.act, this.packetsCol, this.bytesCol, this.flowsCol, this.firstCol, this.lastCol, this.next, this.head, this.tail]) b += a.byteLength;
    return b;
  }
}

function put(col: Counts, j: number, v: number): Counts {
  if (col instanceof Uint32Array && !fitsU32(v)) {
    const wide = new Float64Array(col.length);
    for (let k = 0; k < col.length; k++) wide[k] = col[k]!;
    col = wide;
  }
  col[j] = v;
  return col;
}
