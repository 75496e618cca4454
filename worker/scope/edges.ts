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
 * only if a value needs it). About 40 bytes per edge against ~300 for a `FlowEdge` object
 * with its own strings.
 *
 * Appendable (`push`) and updatable in place (`set`, same index: counts widened by a merge,
 * a uid filled in later): edge order is insertion order, as the classifier's determinism
 * needs (ties in evidence order fall back to it). Edges whose uids changed in place are
 * logged (`relinked`), so an incremental classifier state can follow them.
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
  /** Edges whose srcUid or dstUid changed in `set`, in order (rare: a late mapping). */
  private readonly relinkLog: number[] = [];

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
  }

  static from(edges: Iterable<FlowEdge> & { length?: number }): EdgeTable {
    const t = new EdgeTable(edges.length ?? 1024);
    for (const e of edges) t.push(e);
    return t;
  }

  get length(): number {
    return this.n;
  }

  /** Appends an edge; returns its index. `touched` collects its uids (what `reclassifyTouched` needs). */
  push(e: FlowEdge, touched?: Set<string>): number {
    if (touched !== undefined) {
      if (e.srcUid !== undefined) touched.add(e.srcUid);
      if (e.dstUid !== undefined) touched.add(e.dstUid);
    }
    if (this.n === this.cap) this.grow(Math.ceil(this.cap * GROWTH));
    const j = this.n++;
    this.write(j, e);
    return j;
  }

  /**
   * Replaces edge `j` in place (a merged row: wider window, more counts, a uid now mapped).
   * `touched` collects the uids at its ends before and after.
   */
  set(j: number, e: FlowEdge, touched?: Set<string>): void {
    if (j < 0 || j >= this.n) throw new RangeError(`edge ${j} out of range (${this.n} edges)`);
    const oldS = this.srcUidId[j]!;
    const oldD = this.dstUidId[j]!;
    if (touched !== undefined) {
      if (oldS >= 0) touched.add(this.uids.list[oldS]!);
      if (oldD >= 0) touched.add(this.uids.list[oldD]!);
      if (e.srcUid !== undefined) touched.add(e.srcUid);
      if (e.dstUid !== undefined) touched.add(e.dstUid);
    }
    this.write(j, e);
    if (this.srcUidId[j] !== oldS || this.dstUidId[j] !== oldD) this.relinkLog.push(j);
  }

  /** Edges whose uids changed in place, oldest first (a state remembers how far it has read). */
  get relinked(): readonly number[] {
    return this.relinkLog;
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
    return this.uids.id(uid);
  }

  private grow(cap: number): void {
    const g = <T extends Int32Array<ArrayBuffer> | Uint16Array<ArrayBuffer> | Uint8Array<ArrayBuffer> | Counts>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
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

  /** Bytes held by the typed arrays (capacity, not just length); the string tables are on top. */
  get byteLength(): number {
    let b = 0;
    for (const a of [this.srcIpId, this.dstIpId, this.srcUidId, this.dstUidId, this.port, this.proto, this.act, this.packetsCol, this.bytesCol, this.flowsCol, this.firstCol, this.lastCol]) b += a.byteLength;
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
