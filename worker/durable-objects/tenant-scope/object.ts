import { DurableObject } from "cloudflare:workers";
import type { Override, ScopeDecision } from "../../scope/types.js";
import { mergeFlows } from "./flows.js";
import { TenantGraph, type MergedEdgeRow } from "./graph.js";
import type {
  ApplyBatchInput,
  ClassificationTimings,
  ApplyBatchResult,
  FlowEdgeView,
  FlowFilter,
  Page,
  ResourceDetail,
  ResourceFilter,
  ResourceListItem,
  ScopeSummary,
  SetOverrideInput,
  TenantScopeRpc,
  TenantScopeStats,
} from "./interface.js";
import { stageInventoryPart } from "./inventory.js";
import * as reads from "./reads.js";
import { classifyGraph, markClassified } from "./reclassify.js";
import { readMeta, TENANT_SCOPE_DDL, writeMeta } from "./schema.js";

/**
 * One tenant's scope graph (DESIGN §9): resources, rules, routes, flow edges, decisions and
 * overrides in the object's SQLite. The worker calls it only after a batch is verified and
 * durable in R2, so every write here may be retried: batches are applied at most once per
 * (collector, seq).
 */
export class TenantScope extends DurableObject<Env> implements TenantScopeRpc {
  private readonly sql: SqlStorage;
  private lastClassification: ClassificationTimings | null = null;
  /**
   * The graph the classifier reads, kept between requests and patched after each committed
   * write (graph.ts). Null until first needed and after a change it does not patch (a scan
   * commit); an evicted object simply loads it again.
   */
  private graph: TenantGraph | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    void ctx.blockConcurrencyWhile(async () => {
      this.sql.exec(TENANT_SCOPE_DDL);
    });
  }

  async applyBatch({ collectorId, seq, batch }: ApplyBatchInput): Promise<ApplyBatchResult> {
    const now = Date.now();
    const applied = this.sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM applied_batches WHERE collector_id = ? AND seq = ?", collectorId, seq)
      .one().n;
    if (applied > 0) {
      const scan = batch.kind === "inventory" ? this.scanProgress(collectorId, batch.scanId) : undefined;
      return { outcome: "duplicate", kind: batch.kind, ...(scan ? { scan } : {}), classified: this.retryClassification(now) };
    }

    let result: ApplyBatchResult | undefined;
    let flowRows: MergedEdgeRow[] | undefined;
    let scanCommitted = false;
    const wasClean = readMeta(this.sql, "dirty") !== "1";
    this.ctx.storage.transactionSync(() => {
      let changed = false;
      if (batch.kind === "inventory") {
        const staged = stageInventoryPart(this.sql, collectorId, batch, now);
        if (!staged.ok) {
          result = { outcome: "rejected", kind: batch.kind, message: staged.message };
          return;
        }
        changed = scanCommitted = staged.commit !== undefined;
        result = { outcome: "applied", kind: batch.kind, scan: staged.progress, ...(staged.commit ? { commit: staged.commit } : {}), classified: false };
      } else if (batch.kind === "flows") {
        flowRows = mergeFlows(this.sql, batch);
        changed = flowRows.length > 0;
        result = { outcome: "applied", kind: batch.kind, classified: false };
      } else {
        this.sql.exec(
          `INSERT INTO heartbeats (collector_id, version, spooled, last_scan_id, at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (collector_id) DO UPDATE SET version = excluded.version, spooled = excluded.spooled,
             last_scan_id = coalesce(excluded.last_scan_id, last_scan_id), at = excluded.at`,
          collectorId,
          batch.version,
          batch.spooled,
          batch.lastScan?.scanId ?? null,
          now,
        );
        result = { outcome: "applied", kind: batch.kind, classified: false };
      }
      this.sql.exec("INSERT INTO applied_batches (collector_id, seq, kind, applied_at) VALUES (?, ?, ?, ?)", collectorId, seq, batch.kind, now);
      // The flag lives in the same transaction as the data: if the object dies before the
      // classification below finishes, the next call finds it set and classifies again.
      if (changed) writeMeta(this.sql, "dirty", "1");
    });
    if (!result) throw new Error("applyBatch produced no result");
    // Committed: now the in-memory graph may follow.
    if (scanCommitted) this.graph = null;
    if (flowRows && flowRows.length > 0 && this.graph) {
      const relevant = this.graph.applyFlowRows(flowRows);
      if (!relevant && wasClean) {
        // No decision can have changed (graph.ts says why); only the flow totals did.
        markClassified(this.ctx.storage, this.graph, now);
        this.lastClassification = { at: now, mode: "skipped", loadMs: 0, classifyMs: 0, writeMs: 0, totalMs: 0, decisions: this.graph.decisions.size, written: 0 };
      }
    }
    if (result.outcome === "applied") result.classified = this.retryClassification(now);
    return result;
  }

  async summary(): Promise<ScopeSummary> {
    return reads.cachedSummary(this.sql);
  }

  async listResources(filter: ResourceFilter): Promise<Page<ResourceListItem>> {
    return reads.listResources(this.sql, filter);
  }

  async getResource(uid: string, topFlows = 20): Promise<ResourceDetail | null> {
    return reads.getResource(this.sql, uid, topFlows);
  }

  async listFlows(filter: FlowFilter): Promise<Page<FlowEdgeView>> {
    return reads.listFlows(this.sql, filter);
  }

  async setOverride(input: SetOverrideInput): Promise<ScopeDecision | null> {
    const exists = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM resources WHERE uid = ?", input.uid).one().n;
    if (exists === 0) return null;
    const now = Date.now();
    const override: Override = { uid: input.uid, scope: input.scope, justification: input.justification, author: input.author, createdAt: new Date(now).toISOString() };
    if (input.expiresAt !== undefined) override.expiresAt = input.expiresAt;
    this.ctx.storage.transactionSync(() => {
      this.sql.exec(
        "INSERT OR REPLACE INTO overrides (uid, scope, justification, author, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        override.uid,
        override.scope,
        override.justification,
        override.author,
        override.createdAt,
        override.expiresAt ?? null,
      );
      writeMeta(this.sql, "dirty", "1");
    });
    this.graph?.setOverride(override);
    this.lastClassification = this.classify(now);
    await this.scheduleOverrideExpiry();
    return reads.getResource(this.sql, input.uid, 0)?.decision ?? null;
  }

  async removeOverride(uid: string): Promise<boolean> {
    const removed = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM overrides WHERE uid = ?", uid).one().n > 0;
    if (!removed) return false;
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM overrides WHERE uid = ?", uid);
      writeMeta(this.sql, "dirty", "1");
    });
    this.graph?.removeOverride(uid);
    this.lastClassification = this.classify(Date.now());
    await this.scheduleOverrideExpiry();
    return true;
  }

  /** Overrides stop winning when they expire; reclassify then rather than at the next batch. */
  override async alarm(): Promise<void> {
    this.lastClassification = this.classify(Date.now());
    await this.scheduleOverrideExpiry();
  }

  async stats(): Promise<TenantScopeStats> {
    const count = (q: string) => this.sql.exec<{ n: number }>(q).one().n;
    return {
      resources: count("SELECT count(*) AS n FROM resources"),
      staleResources: count("SELECT count(*) AS n FROM resources WHERE stale = 1"),
      rules: count("SELECT count(*) AS n FROM rules"),
      routes: count("SELECT count(*) AS n FROM routes"),
      flowEdges: count("SELECT count(*) AS n FROM flow_edges"),
      decisions: count("SELECT count(*) AS n FROM decisions"),
      overrides: count("SELECT count(*) AS n FROM overrides"),
      appliedBatches: count("SELECT count(*) AS n FROM applied_batches"),
      stagedRows: count(
        "SELECT (SELECT count(*) FROM staged_resources) + (SELECT count(*) FROM staged_rules) + (SELECT count(*) FROM staged_routes) + (SELECT count(*) FROM staged_coverage) AS n",
      ),
      scans: {
        committed: count("SELECT count(*) AS n FROM scans WHERE status = 'committed'"),
        staging: count("SELECT count(*) AS n FROM scans WHERE status = 'staging'"),
      },
      lastClassification: this.lastClassification,
    };
  }

  /** Classifies the graph in memory, loading it from SQLite first if this instance has none. */
  private classify(now: number): ClassificationTimings {
    if (this.graph) return classifyGraph(this.ctx.storage, this.graph, now, "cached", 0);
    const graph = TenantGraph.load(this.sql, readMeta(this.sql, "shared_reason"));
    this.graph = graph;
    return classifyGraph(this.ctx.storage, graph, now, "full", graph.loadMs);
  }

  private scanProgress(collectorId: string, scanId: string) {
    const s = this.sql
      .exec<{ parts: number; received: number; status: string }>("SELECT parts, received, status FROM scans WHERE collector_id = ? AND scan_id = ?", collectorId, scanId)
      .toArray()[0];
    return s ? { scanId, received: s.received, parts: s.parts, committed: s.status === "committed" } : undefined;
  }

  /**
   * Classification is derived data: a failure here must not fail the batch that is already
   * applied. The dirty flag stays set and the next batch (or resend) tries again.
   */
  private retryClassification(now: number): boolean {
    if (readMeta(this.sql, "dirty") !== "1") return true;
    try {
      this.lastClassification = this.classify(now);
      return true;
    } catch (err) {
      console.error(JSON.stringify({ level: "error", msg: "classification failed", error: String(err) }));
      return false;
    }
  }

  private async scheduleOverrideExpiry(): Promise<void> {
    const next = this.sql
      .exec<{ at: string | null }>("SELECT min(expires_at) AS at FROM overrides WHERE expires_at IS NOT NULL AND expires_at > ?", new Date().toISOString())
      .one().at;
    if (next) await this.ctx.storage.setAlarm(Date.parse(next));
    else await this.ctx.storage.deleteAlarm();
  }
}
