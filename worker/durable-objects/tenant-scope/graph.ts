import type { FlowEdge, Provider, Resource, ResourceKind, Route, Rule } from "../../../contract/index.js";
import type { ClassifierState } from "../../scope/classify.js";
import type { DerivedState } from "../../scope/derived.js";
import { EdgeTable } from "../../scope/edges.js";
import type { Override, Scope, ScopeDecision } from "../../scope/types.js";
import type { ScopeCount, ScopeFilter, ScopeSummary } from "./interface.js";
import { overrideFromRow, resourceFromRow, type OverrideRow, type ResourceRow } from "./rows.js";

/** A flow edge as stored, with the row id that ties the in-memory copy to its SQLite row. */
export type MergedEdgeRow = {
  rowid: number;
  src_ip: string;
  dst_ip: string;
  dst_port: number;
  protocol: number;
  action: string;
  packets: number;
  bytes: number;
  flows: number;
  first_seen: number;
  last_seen: number;
  src_uid: string | null;
  dst_uid: string | null;
};

/** What the diff needs to know about a stored decision row, without keeping its reasons text. */
export interface StoredDecision {
  scope: Scope;
  confidence: number;
  /** Hash and length of the stored `reasons` column. */
  hash: number;
  length: number;
}

interface FlowTotals {
  edges: number;
  accepted: number;
  unmapped: number;
  packets: number;
  bytes: number;
  flows: number;
}

/**
 * The tenant graph as the classifier reads it, kept in the object's memory between requests
 * (DESIGN §9: per-request work stays small). It mirrors SQLite, which stays the truth: it is
 * built from SQLite on first use, patched after each committed transaction that changes what
 * it holds (flows, overrides), and dropped when a change is easier to reload than to patch
 * (a scan commit). Orders match a fresh load (rowid order), so a cached classification and
 * one after an eviction give identical decisions.
 */
export class TenantGraph {
  readonly resources = new Map<string, Resource>();
  readonly stale = new Set<string>();
  readonly rules: Rule[] = [];
  readonly routes: Route[] = [];
  readonly overrides = new Map<string, Override>();
  /** Columnar (worker/scope/edges.ts): ~40 bytes an edge instead of a FlowEdge object. */
  readonly edges: EdgeTable;
  /** rowid → position in `edges` (rowids are dense: flow edges are never deleted). */
  private readonly edgeAt = new Map<number, number>();
  readonly decisions = new Map<string, StoredDecision>();
  /**
   * The classifier's state after the last full classification of this graph, and the `now`
   * it ran with: flows batches re-decide only what they touched against it. Dropped when
   * overrides change (resources, rules and routes change only by a scan commit, which drops
   * the whole graph).
   */
  state: ClassifierState | null = null;
  stateNow = 0;
  /**
   * Violations and the drift snapshot of the last classification with their indexes
   * (worker/scope/derived.ts): an incremental classification re-derives only what its batch
   * touched. Null when the next classification must derive in full.
   */
  derived: DerivedState | null = null;
  /**
   * The decisions, as objects, whose rows are stored now (the last classification's; kept
   * across override changes, unlike `state`): a full run skips building the text of a decision
   * equal to its stored one. Null after a load or a failed write: then every text is compared.
   */
  storedDecisions: ReadonlyMap<string, ScopeDecision> | null = null;
  /** Uids at the ends of edges added or changed since the last classification. */
  readonly touched = new Set<string>();
  /** Positions in `edges` of the edges added or changed since the last classification. */
  readonly changedEdges = new Set<number>();
  /** Stored JSON of the reason many decisions share (see reclassify.ts), or null. */
  sharedReason: string | null = null;
  private readonly totals: FlowTotals = { edges: 0, accepted: 0, unmapped: 0, packets: 0, bytes: 0, flows: 0 };
  private resourceList: Resource[] | null = null;
  /**
   * The summary's resource counts, kept current as decisions move (`setDecision`); recounted
   * after an override changes. Flow totals are always current.
   */
  private resourceCounts: ResourceCounts | null = null;
  /** How long `load` took. */
  loadMs = 0;

  private constructor(edgeCount: number) {
    this.edges = new EdgeTable(edgeCount);
  }

  static load(sql: SqlStorage, sharedReason: string | null): TenantGraph {
    const t0 = Date.now();
    const edgeCount = sql.exec<{ n: number }>("SELECT max(rowid) AS n FROM flow_edges").one().n ?? 0;
    const g = new TenantGraph(edgeCount + 1024);
    for (const row of sql.exec<ResourceRow>(
      "SELECT uid, provider, account, region, kind, name, tags, network, attributes, parent, stale, first_seen, last_seen, scan_id FROM resources ORDER BY rowid",
    )) {
      g.resources.set(row.uid, resourceFromRow(row));
      if (row.stale === 1) g.stale.add(row.uid);
    }
    for (const row of sql.exec<{ json: string }>("SELECT json FROM rules ORDER BY rowid")) g.rules.push(JSON.parse(row.json) as Rule);
    for (const row of sql.exec<{ json: string }>("SELECT json FROM routes ORDER BY rowid")) g.routes.push(JSON.parse(row.json) as Route);
    for (const row of sql.exec<OverrideRow>("SELECT * FROM overrides ORDER BY rowid")) g.overrides.set(row.uid, overrideFromRow(row));
    // Columns straight into FlowEdge objects: raw() rows skip building a keyed object per row.
    const edgeRows = sql
      .exec("SELECT rowid, src_ip, dst_ip, dst_port, protocol, action, packets, bytes, flows, first_seen, last_seen, src_uid, dst_uid FROM flow_edges ORDER BY rowid")
      .raw();
    for (const r of edgeRows) {
      const e: FlowEdge = {
        srcIp: r[1] as string, dstIp: r[2] as string, dstPort: r[3] as number, protocol: r[4] as number, action: r[5] as FlowEdge["action"],
        packets: r[6] as number, bytes: r[7] as number, flows: r[8] as number, firstSeen: r[9] as number, lastSeen: r[10] as number,
      };
      if (r[11] !== null) e.srcUid = r[11] as string;
      if (r[12] !== null) e.dstUid = r[12] as string;
      g.edgeAt.set(r[0] as number, g.edges.push(e));
      g.count(e, 1);
    }
    for (const r of sql.exec("SELECT uid, scope, confidence, reasons FROM decisions").raw()) {
      const reasons = r[3] as string;
      g.decisions.set(r[0] as string, { scope: r[1] as Scope, confidence: r[2] as number, hash: hashText(reasons), length: reasons.length });
    }
    g.sharedReason = sharedReason;
    g.loadMs = Date.now() - t0;
    return g;
  }

  /** The resources in stored order, as the classifier takes them. */
  resourceArray(): Resource[] {
    return (this.resourceList ??= [...this.resources.values()]);
  }

  private count(e: FlowEdge, sign: 1 | -1): void {
    const t = this.totals;
    t.edges += sign;
    if (e.action === "accept") t.accepted += sign;
    if (e.srcUid === undefined || e.dstUid === undefined) t.unmapped += sign;
    t.packets += sign * e.packets;
    t.bytes += sign * e.bytes;
    t.flows += sign * e.flows;
  }

  /**
   * Applies the rows a flows batch left in SQLite (as its upserts returned them). Answers
   * whether any decision can depend on what changed: a new edge always can (the no-path
   * reason counts the edges examined), and so can a changed edge with an end that is not
   * out of scope now. An edge between two out-of-scope (or unmapped) ends cannot: every flow
   * rule needs an end in the CDE, and a keyword candidate or CDE component is never out of scope.
   */
  applyFlowRows(rows: readonly MergedEdgeRow[]): boolean {
    let relevant = false;
    for (const r of rows) {
      const e: FlowEdge = {
        srcIp: r.src_ip, dstIp: r.dst_ip, dstPort: r.dst_port, protocol: r.protocol, action: r.action as FlowEdge["action"],
        packets: r.packets, bytes: r.bytes, flows: r.flows, firstSeen: r.first_seen, lastSeen: r.last_seen,
      };
      if (r.src_uid !== null) e.srcUid = r.src_uid;
      if (r.dst_uid !== null) e.dstUid = r.dst_uid;
      const at = this.edgeAt.get(r.rowid);
      // The ends of every added or changed edge, before and after (what reclassifyTouched needs).
      if (e.srcUid !== undefined) this.touched.add(e.srcUid);
      if (e.dstUid !== undefined) this.touched.add(e.dstUid);
      if (at === undefined) {
        const j = this.edges.push(e);
        this.edgeAt.set(r.rowid, j);
        this.changedEdges.add(j);
        this.count(e, 1);
        relevant = true;
        continue;
      }
      this.changedEdges.add(at);
      const old = this.edges.edge(at);
      if (old.srcUid !== undefined) this.touched.add(old.srcUid);
      if (old.dstUid !== undefined) this.touched.add(old.dstUid);
      this.count(old, -1);
      this.count(e, 1);
      this.edges.set(at, e);
      if (relevant) continue;
      if (old.srcUid !== e.srcUid || old.dstUid !== e.dstUid || this.mayMatter(e.srcUid) || this.mayMatter(e.dstUid)) relevant = true;
    }
    return relevant;
  }

  private mayMatter(uid: string | undefined): boolean {
    if (uid === undefined) return false;
    const d = this.decisions.get(uid);
    return d === undefined || d.scope !== "out_of_scope";
  }

  /** Stores what the graph knows of a decision row (after its transaction committed); the summary's counts follow. */
  setDecision(uid: string, d: StoredDecision): void {
    const before = this.decisions.get(uid)?.scope;
    this.decisions.set(uid, d);
    if (before !== d.scope) this.moveScope(uid, before ?? "unclassified", d.scope);
  }

  deleteDecision(uid: string): void {
    const before = this.decisions.get(uid)?.scope;
    if (!this.decisions.delete(uid)) return;
    this.moveScope(uid, before!, "unclassified");
  }

  private moveScope(uid: string, before: ScopeFilter, after: ScopeFilter): void {
    const c = this.resourceCounts;
    const r = this.resources.get(uid);
    if (c === null || r === undefined) return;
    for (const count of [c.resources, c.accounts.get(`${r.provider}\u0000${r.account}`)!, c.kinds.get(r.kind)!]) {
      const left = (count.byScope[before] ?? 0) - 1;
      if (left > 0) count.byScope[before] = left;
      else delete count.byScope[before];
      count.byScope[after] = (count.byScope[after] ?? 0) + 1;
    }
  }

  setOverride(o: Override): void {
    this.resourceCounts = null;
    this.state = null;
    this.derived = null;
    // INSERT OR REPLACE gives the row a new rowid: it moves to the end, as here.
    this.overrides.delete(o.uid);
    this.overrides.set(o.uid, o);
  }

  removeOverride(uid: string): void {
    this.resourceCounts = null;
    this.state = null;
    this.derived = null;
    this.overrides.delete(uid);
  }

  /** The dashboard summary from memory; `lastScan` and `classifiedAt` come from the caller. */
  summary(lastScan: ScopeSummary["lastScan"], classifiedAt: number | null): ScopeSummary {
    // A copy: the kept counts change with the next decisions.
    const counts = structuredClone((this.resourceCounts ??= this.countResources()).summary);
    const t = this.totals;
    return {
      resources: counts.resources,
      byProviderAccount: counts.byProviderAccount,
      byKind: counts.byKind,
      lastScan,
      flows: { edges: t.edges, accepted: t.accepted, rejected: t.edges - t.accepted, unmapped: t.unmapped, packets: t.packets, bytes: t.bytes, flows: t.flows },
      classifiedAt,
    };
  }

  private countResources(): ResourceCounts {
    const add = (count: ScopeCount, scope: ScopeFilter) => {
      count.byScope[scope] = (count.byScope[scope] ?? 0) + 1;
      count.total += 1;
    };
    const totals: ScopeSummary["resources"] = { total: 0, byScope: {}, stale: this.stale.size, overridden: 0 };
    const byAccount = new Map<string, ScopeSummary["byProviderAccount"][number]>();
    const byKind = new Map<string, ScopeSummary["byKind"][number]>();
    for (const r of this.resources.values()) {
      const scope: ScopeFilter = this.decisions.get(r.uid)?.scope ?? "unclassified";
      const k = `${r.provider}\u0000${r.account}`;
      let a = byAccount.get(k);
      if (!a) byAccount.set(k, (a = { provider: r.provider as Provider, account: r.account, total: 0, byScope: {} }));
      let kind = byKind.get(r.kind);
      if (!kind) byKind.set(r.kind, (kind = { kind: r.kind as ResourceKind, total: 0, byScope: {} }));
      add(totals, scope);
      add(a, scope);
      add(kind, scope);
      if (this.overrides.has(r.uid)) totals.overridden++;
    }
    // Same order as the SQL summary: by total, ties in key order.
    const accounts = [...byAccount.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
    const kinds = [...byKind.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
    const byTotal = <T extends { total: number }>(xs: T[]) => xs.sort((a, b) => b.total - a.total);
    // Totals per account and kind do not change with decisions, so neither does this order.
    return { resources: totals, accounts: byAccount, kinds: byKind, summary: { resources: totals, byProviderAccount: byTotal(accounts), byKind: byTotal(kinds) } };
  }
}

interface ResourceCounts {
  resources: ScopeSummary["resources"];
  accounts: Map<string, ScopeCount>;
  kinds: Map<string, ScopeCount>;
  /** The same count objects, in the summary's order. */
  summary: Pick<ScopeSummary, "resources" | "byProviderAccount" | "byKind">;
}

/** 53-bit string hash (cyrb53): tells a changed reasons text from an unchanged one without keeping the text. */
export function hashText(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
