import { DurableObject } from "cloudflare:workers";
import { buildNetworkModel, canReach, internetExposures, type NetworkModel } from "../../scope/reachability/index.js";
import type { Override, ScopeDecision } from "../../scope/types.js";
import { listDrift, recordOverrideEvent, resourceHistory } from "./drift.js";
import { boundaryMap, type BoundaryMapFilter, type BoundaryMapGraph } from "./boundary-map.js";
import { ensureEdgeScopes } from "./edge-scopes.js";
import { mergeFlows } from "./flows.js";
import { TenantGraph, type MergedEdgeRow } from "./graph.js";
import type {
  ApplyBatchInput,
  ClassificationTimings,
  ApplyBatchResult,
  DecisionFilter,
  DecisionListItem,
  DriftCause,
  DriftEventView,
  DriftFilter,
  ExposureAnswer,
  FlowEdgeView,
  FlowFilter,
  LiveEvent,
  Page,
  PathAnswer,
  ResourceDetail,
  ResourceFilter,
  ResourceHistory,
  ResourceListItem,
  ScopeSummary,
  SetOverrideInput,
  SetViolationStatusInput,
  TenantScopeRpc,
  TenantScopeStats,
  ViolationFilter,
  ViolationView,
} from "./interface.js";
import { stageInventoryPart } from "./inventory.js";
import * as reads from "./reads.js";
import { listSortedResources, RESOURCE_SORT_DDL, type SortedResourceFilter } from "./resource-list.js";
import { classifyGraph, markClassified, type Classified } from "./reclassify.js";
import { readMeta, TENANT_SCOPE_DDL, writeMeta } from "./schema.js";
import { StoredSnapshot } from "./snapshot.js";
import { withSubjectNames, type NamedViolationView } from "./subject-names.js";
import { readScopeTrend, recordScopeTrend, SCOPE_TREND_DDL, type ScopeTrend } from "./trend.js";
import { listViolations, setViolationStatus } from "./violations.js";

/** Live messages carry at most this many items; `total` says how many there were. */
const LIVE_ITEMS = 100;
/** Synchronous work longer than this ends with one event-loop turn (see `settle`). */
const SETTLE_AFTER_MS = 1_000;

/**
 * One tenant's scope graph (DESIGN §9): resources, rules, routes, flow edges, decisions and
 * overrides in the object's SQLite. The worker calls it only after a batch is verified and
 * durable in R2, so every write here may be retried: batches are applied at most once per
 * (collector, seq).
 */
export class TenantScope extends DurableObject<Env> implements TenantScopeRpc {
  private readonly sql: SqlStorage;
  private lastClassification: ClassificationTimings | null = null;
  private lastApply: TenantScopeStats["lastApply"] = null;
  /**
   * The graph the classifier reads, kept between requests and patched after each committed
   * write (graph.ts). Null until first needed and after a change it does not patch (a scan
   * commit); an evicted object simply loads it again.
   */
  private graph: TenantGraph | null = null;
  /**
   * The network model of the graph's resources, rules and routes, from the last
   * classification (or built for a path query). Flows and overrides do not change it; a scan
   * commit drops it with the graph.
   */
  private model: NetworkModel | null = null;
  /** The drift snapshot of the last classification (snapshot.ts); loaded on first use. */
  private snapshot: StoredSnapshot | null = null;
  /** Which instance this is, for stats: benchmarks tell a replaced object from a kept one by it. */
  private readonly instance = { id: crypto.randomUUID(), startedAt: Date.now(), graphLoads: 0 };

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    // Keep-alives on the live channel are answered without waking a hibernated object.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
    void ctx.blockConcurrencyWhile(async () => {
      this.sql.exec(TENANT_SCOPE_DDL);
      this.sql.exec(SCOPE_TREND_DDL);
      this.sql.exec(RESOURCE_SORT_DDL);
      ensureEdgeScopes(this.sql);
    });
  }

  async applyBatch({ collectorId, seq, batch }: ApplyBatchInput): Promise<ApplyBatchResult> {
    const now = Date.now();
    const applied = this.sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM applied_batches WHERE collector_id = ? AND seq = ?", collectorId, seq)
      .one().n;
    if (applied > 0) {
      const scan = batch.kind === "inventory" ? this.scanProgress(collectorId, batch.scanId) : undefined;
      const classified = this.retryClassification(now, "recovery");
      await this.settle(now);
      return { outcome: "duplicate", kind: batch.kind, ...(scan ? { scan } : {}), classified };
    }

    let result: ApplyBatchResult | undefined;
    let flowRows: MergedEdgeRow[] | undefined;
    let scanCommitted = false;
    const wasClean = readMeta(this.sql, "dirty") !== "1";
    const applyStart = Date.now();
    this.ctx.storage.transactionSync(() => {
      let changed = false;
      if (batch.kind === "inventory") {
        const staged = stageInventoryPart(this.sql, collectorId, batch, now);
        if (!staged.ok) {
          result = { outcome: "rejected", kind: batch.kind, message: staged.message };
          return;
        }
        changed = scanCommitted = staged.commit !== undefined;
        // Drift is diffed at the classification that follows; the marker survives a crash before it.
        if (scanCommitted) writeMeta(this.sql, "drift_scan", `${collectorId}/${batch.scanId}`);
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
    // A rejected part changes nothing, not even these stats.
    if (result.outcome === "rejected") return result;
    this.lastApply = { at: now, kind: batch.kind, ms: Date.now() - applyStart, rows: flowRows?.length ?? 0 };
    // Committed: now the in-memory graph may follow.
    if (scanCommitted) {
      this.graph = null;
      this.model = null;
    }
    if (flowRows && flowRows.length > 0 && this.graph) {
      const relevant = this.graph.applyFlowRows(flowRows);
      if (!relevant && wasClean) {
        // No decision can have changed (graph.ts says why); only the flow totals did.
        const summary = markClassified(this.ctx.storage, this.graph, now);
        this.lastClassification = { at: now, mode: "skipped", loadMs: 0, classifyMs: 0, derivedMs: 0, writeMs: 0, totalMs: 0, decisions: this.graph.decisions.size, written: 0 };
        this.broadcast(() => [{ type: "summary", at: now, summary }]);
      }
    }
    const cause: DriftCause = batch.kind === "flows" ? "flows" : batch.kind === "inventory" ? "scan" : "recovery";
    if (result.outcome === "applied") result.classified = this.retryClassification(now, cause);
    await this.settle(now);
    return result;
  }

  async summary(): Promise<ScopeSummary> {
    return reads.cachedSummary(this.sql);
  }

  async listResources(filter: SortedResourceFilter): Promise<Page<ResourceListItem>> {
    return listSortedResources(this.sql, filter);
  }

  /** The boundary map aggregated to at most `maxNodes` boxes (boundary-map.ts). */
  async boundaryMap(filter: BoundaryMapFilter): Promise<BoundaryMapGraph> {
    return boundaryMap(this.sql, filter);
  }

  /** Counts per scope over the last `days` days (trend.ts). */
  async scopeTrend(days: number): Promise<ScopeTrend> {
    return readScopeTrend(this.sql, days, Date.now(), () => reads.cachedSummary(this.sql));
  }

  async getResource(uid: string, topFlows = 20): Promise<ResourceDetail | null> {
    return reads.getResource(this.sql, uid, topFlows);
  }

  async listFlows(filter: FlowFilter): Promise<Page<FlowEdgeView>> {
    return reads.listFlows(this.sql, filter);
  }

  async listDecisions(filter: DecisionFilter): Promise<Page<DecisionListItem>> {
    return reads.listDecisions(this.sql, filter);
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
      recordOverrideEvent(this.sql, { uid: override.uid, action: "set", scope: override.scope, justification: override.justification, author: override.author, ...(override.expiresAt !== undefined ? { expiresAt: override.expiresAt } : {}), at: now });
      writeMeta(this.sql, "dirty", "1");
    });
    this.graph?.setOverride(override);
    this.lastClassification = this.classify(now, "override");
    await this.settle(now);
    await this.scheduleOverrideExpiry();
    return reads.getResource(this.sql, input.uid, 0)?.decision ?? null;
  }

  async removeOverride(uid: string, author = "unknown"): Promise<boolean> {
    const removed = this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM overrides WHERE uid = ?", uid).one().n > 0;
    if (!removed) return false;
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM overrides WHERE uid = ?", uid);
      recordOverrideEvent(this.sql, { uid, action: "remove", author, at: now });
      writeMeta(this.sql, "dirty", "1");
    });
    this.graph?.removeOverride(uid);
    this.lastClassification = this.classify(now, "override");
    await this.settle(now);
    await this.scheduleOverrideExpiry();
    return true;
  }

  /** Overrides stop winning when they expire; reclassify then rather than at the next batch. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    this.lastClassification = this.classify(now, "expiry");
    await this.settle(now);
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
      lastApply: this.lastApply,
      instance: { ...this.instance },
    };
  }

  /**
   * Classifies the graph in memory (loading it from SQLite first if this instance has none),
   * stores violations and drift with the decisions, and tells the live channel.
   */
  private classify(now: number, cause: DriftCause = "recovery"): ClassificationTimings {
    const scanId = readMeta(this.sql, "drift_scan");
    const context = { snapshot: (this.snapshot ??= StoredSnapshot.load(this.sql)), cause: scanId !== null ? "scan" : cause, scanId };
    let done: Classified;
    try {
      if (this.graph) done = classifyGraph(this.ctx.storage, this.graph, now, "cached", 0, context);
      else {
        const graph = this.loadGraph();
        this.graph = graph;
        done = classifyGraph(this.ctx.storage, graph, now, "full", graph.loadMs, context);
      }
    } catch (err) {
      // An incremental derivation patches the kept snapshot in place: after a failed write it no longer mirrors SQLite.
      this.snapshot = null;
      throw err;
    }
    this.model = done.model;
    this.snapshot = done.snapshot;
    recordScopeTrend(this.sql, done.summary, now);
    this.broadcast(() => liveEvents(done, context.cause, now));
    return done.timings;
  }

  private loadGraph(): TenantGraph {
    this.instance.graphLoads++;
    return TenantGraph.load(this.sql, readMeta(this.sql, "shared_reason"));
  }

  private networkModel(): NetworkModel {
    if (this.model) return this.model;
    const graph = (this.graph ??= this.loadGraph());
    return (this.model = buildNetworkModel({ resources: graph.resourceArray(), rules: graph.rules, routes: graph.routes }));
  }

  async findPath(from: string, to: string, port?: number, protocol?: string): Promise<PathAnswer> {
    const model = this.networkModel();
    const unknown = ([["from", from], ["to", to]] as const).filter(([, uid]) => !model.index.has(uid)).map(([side]) => side);
    if (unknown.length > 0) return { ok: false, unknown };
    return { ok: true, path: canReach(model, from, to, port, protocol)! };
  }

  async exposure(uid: string): Promise<ExposureAnswer | null> {
    const model = this.networkModel();
    if (!model.index.has(uid)) return null;
    const exposures = internetExposures(model, uid);
    return { uid, exposed: exposures.length > 0, exposures };
  }

  async listViolations(filter: ViolationFilter): Promise<Page<ViolationView>> {
    return listViolations(this.sql, filter);
  }

  /** The same page with the names of the resources each violation is about (subject-names.ts), for people reading it. */
  async listNamedViolations(filter: ViolationFilter): Promise<Page<NamedViolationView>> {
    return withSubjectNames(this.sql, listViolations(this.sql, filter));
  }

  async setViolationStatus(input: SetViolationStatusInput): Promise<ViolationView | null | { conflict: string }> {
    const now = Date.now();
    const result = this.ctx.storage.transactionSync(() => setViolationStatus(this.sql, input, now));
    if (result !== null && !("conflict" in result)) {
      const violation = result;
      // A person resolved one the classifier still finds: the next sync must see it (and re-open it), so it runs in full.
      if (violation.status === "resolved" && this.graph) this.graph.derived = null;
      this.broadcast(() => [{ type: violation.status === "resolved" ? "violation_resolved" : "violation_acknowledged", at: now, violation }]);
    }
    return result;
  }

  async listDrift(filter: DriftFilter): Promise<Page<DriftEventView>> {
    return listDrift(this.sql, filter);
  }

  async history(uid: string, limit: number): Promise<ResourceHistory | null> {
    return resourceHistory(this.sql, uid, limit);
  }

  /**
   * The live channel (GET /v1/live, authenticated by the worker before it forwards the
   * upgrade here). Hibernation API: the object may be evicted while sockets stay open, so an
   * idle dashboard costs nothing; `ping` is answered without waking it.
   */
  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const [client, server] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
    this.ctx.acceptWebSocket(server);
    const hello: LiveEvent = { type: "hello", at: Date.now(), summary: reads.cachedSummary(this.sql) };
    server.send(JSON.stringify(hello));
    return new Response(null, { status: 101, webSocket: client });
  }

  /** The channel is one-way; anything but the auto-answered `ping` is ignored. */
  override async webSocketMessage(): Promise<void> {}

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed (the runtime may answer the close itself).
    }
  }

  /** Sends to every open socket; builds the messages only when someone is listening. */
  private broadcast(make: () => LiveEvent[]): void {
    const sockets = this.ctx.getWebSockets();
    if (sockets.length === 0) return;
    for (const event of make()) {
      const text = JSON.stringify(event);
      for (const ws of sockets) {
        try {
          ws.send(text);
        } catch {
          // A socket closing right now; its close handler cleans up.
        }
      }
    }
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
  private retryClassification(now: number, cause: DriftCause): boolean {
    if (readMeta(this.sql, "dirty") !== "1") return true;
    try {
      this.lastClassification = this.classify(now, cause);
      return true;
    } catch (err) {
      console.error(JSON.stringify({ level: "error", msg: "classification failed", error: String(err) }));
      return false;
    }
  }

  /**
   * After long synchronous work, lets the event loop turn once before the request ends.
   * workerd evicts an object 10 s after its last request ends, timed from the event loop's
   * clock, which stands still while JavaScript runs: a request with ≥ 10 s of synchronous work
   * (a graph reload and full classification of a large tenant on a busy machine) left the
   * object evicted the moment it ended, so the next batch reloaded the graph, ran as long,
   * and the object never stayed (docs/performance.md). One timer turn moves the clock on.
   * Where Date.now() does not advance during synchronous work (deployed Workers), this never waits.
   */
  private async settle(since: number): Promise<void> {
    if (Date.now() - since >= SETTLE_AFTER_MS) await scheduler.wait(1);
  }

  private async scheduleOverrideExpiry(): Promise<void> {
    const next = this.sql
      .exec<{ at: string | null }>("SELECT min(expires_at) AS at FROM overrides WHERE expires_at IS NOT NULL AND expires_at > ?", new Date().toISOString())
      .one().at;
    if (next) await this.ctx.storage.setAlarm(Date.parse(next));
    else await this.ctx.storage.deleteAlarm();
  }
}

/** What the live channel hears about one classification. */
function liveEvents(done: Classified, cause: DriftCause, at: number): LiveEvent[] {
  const events: LiveEvent[] = [];
  const changes = done.drift.filter((e) => e.kind === "scope_changed");
  if (changes.length > 0) {
    events.push({ type: "scope_changed", at, cause, changes: changes.slice(0, LIVE_ITEMS).map((e) => ({ uid: e.uid, before: e.before, after: e.after })), total: changes.length });
  }
  for (const o of done.violations.opened) events.push({ type: "violation_opened", at, reopened: o.reopened, violation: o.violation });
  for (const violation of done.violations.resolved) events.push({ type: "violation_resolved", at, violation });
  if (done.drift.length > 0) events.push({ type: "drift", at, cause, events: done.drift.slice(0, LIVE_ITEMS), total: done.drift.length });
  events.push({ type: "summary", at, summary: done.summary });
  return events;
}
