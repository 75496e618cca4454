import type { Batch, FlowEdge, Provider, Resource, ResourceKind, Rule } from "../../../contract/index.js";
import type { DriftKind } from "../../scope/drift.js";
import type { InternetExposure, ReachAnswer } from "../../scope/reachability/index.js";
import type { Evidence, Override, Scope, ScopeDecision } from "../../scope/types.js";
import type { Severity, ViolationKind } from "../../scope/violations.js";

/** What the worker hands the tenant's Durable Object after a batch is verified and stored. */
export interface ApplyBatchInput {
  collectorId: string;
  seq: number;
  batch: Batch;
}

export interface ScanProgress {
  scanId: string;
  received: number;
  parts: number;
  committed: boolean;
}

export interface ScanCommit {
  upserted: number;
  removed: number;
  markedStale: number;
}

export type ApplyBatchResult =
  | { outcome: "applied" | "duplicate"; kind: Batch["kind"]; scan?: ScanProgress; commit?: ScanCommit; classified: boolean }
  /** The batch is well-formed but contradicts what the object already holds (e.g. a scan's part count changed). */
  | { outcome: "rejected"; kind: Batch["kind"]; message: string };

/** A scope filter value: a scope, or "unclassified" for resources without a decision yet. */
export type ScopeFilter = Scope | "unclassified";
/** A flow endpoint's scope: a scope, or "unmapped" for addresses that are no known resource. */
export type EndpointScopeFilter = Scope | "unmapped";

export interface Page<T> {
  items: T[];
  /** Opaque; pass back as `cursor` for the next page. Null on the last page. */
  nextCursor: string | null;
}

export interface ResourceFilter {
  scope?: ScopeFilter;
  kind?: ResourceKind;
  provider?: Provider;
  account?: string;
  /** Case-insensitive substring of name, uid or a `key=value` tag. */
  q?: string;
  cursor?: string;
  limit: number;
}

export interface ResourceListItem {
  uid: string;
  provider: Provider;
  account: string;
  region: string;
  kind: ResourceKind;
  name: string;
  tags: Record<string, string>;
  stale: boolean;
  scope: Scope | null;
  confidence: number | null;
  overridden: boolean;
  firstSeen: number;
  lastSeen: number;
}

/** A resource as listed, with its whole decision (reasons included); what evidence reads in bulk. */
export interface DecisionListItem extends ResourceListItem {
  decision: ScopeDecision | null;
}

export interface DecisionFilter {
  cursor?: string;
  limit: number;
}

export interface FlowEdgeView extends FlowEdge {
  srcScope: Scope | null;
  dstScope: Scope | null;
}

export interface ResourceDetail {
  resource: Resource;
  stale: boolean;
  firstSeen: number;
  lastSeen: number;
  scanId: string;
  decision: ScopeDecision | null;
  override: Override | null;
  /** Top flows by bytes where this resource is the destination / the source. */
  flowsIn: FlowEdgeView[];
  flowsOut: FlowEdgeView[];
  /** Rules owned by the resource's security groups (and by the resource itself if it is a control). */
  rules: Rule[];
}

export interface FlowFilter {
  uid?: string;
  srcScope?: EndpointScopeFilter;
  dstScope?: EndpointScopeFilter;
  port?: number;
  protocol?: number;
  action?: "accept" | "reject";
  cursor?: string;
  limit: number;
}

export interface ScopeCount {
  total: number;
  byScope: Partial<Record<ScopeFilter, number>>;
}

export interface ScopeSummary {
  resources: ScopeCount & { stale: number; overridden: number };
  byProviderAccount: (ScopeCount & { provider: Provider; account: string })[];
  byKind: (ScopeCount & { kind: ResourceKind })[];
  lastScan: { scanId: string; collectorId: string; parts: number; committedAt: number } | null;
  flows: { edges: number; accepted: number; rejected: number; unmapped: number; packets: number; bytes: number; flows: number };
  classifiedAt: number | null;
}

export interface SetOverrideInput {
  uid: string;
  scope: Scope;
  justification: string;
  author: string;
  expiresAt?: string;
}

/** What the last classification cost inside the object (wall ms, measured with Date.now()). */
export interface ClassificationTimings {
  at: number;
  /**
   * full: the graph was (re)loaded from SQLite; cached: classified the whole in-memory graph;
   * incremental: re-decided only the resources a flows batch touched (worker/scope reclassifyTouched);
   * skipped: nothing a decision depends on changed.
   */
  mode: "full" | "cached" | "incremental" | "skipped";
  loadMs: number;
  classifyMs: number;
  /** Violations, drift snapshot and diff from the classification's decisions and model (0 when skipped). */
  derivedMs?: number;
  /** incremental: only what the batch touched was re-derived (worker/scope/derived.ts). */
  derived?: "full" | "incremental";
  writeMs: number;
  /**
   * Where the write went: decision rows stringified and diffed, decision rows written,
   * violations + drift + snapshot rows written, the commit, the stored summary.
   */
  writeParts?: { prepare: number; decisions: number; derived: number; commit: number; summary: number };
  totalMs: number;
  decisions: number;
  /** Decision rows inserted, updated or deleted. */
  written: number;
}

export interface TenantScopeStats {
  resources: number;
  staleResources: number;
  rules: number;
  routes: number;
  flowEdges: number;
  decisions: number;
  overrides: number;
  appliedBatches: number;
  stagedRows: number;
  scans: { committed: number; staging: number };
  /** Null until this instance of the object has classified (timings live in memory only). */
  lastClassification: ClassificationTimings | null;
  /**
   * This instance of the object (in memory only): a new id means the runtime replaced it
   * (eviction, a reset, a code reload) and the next classification reloads the graph.
   */
  instance: { id: string; startedAt: number; graphLoads: number };
  /** The last batch this instance applied: its SQLite transaction (flows: the merge of its edges; rows = edges it left), before any classification. */
  lastApply: { at: number; kind: string; ms: number; rows: number } | null;
}

/** The RPC surface of the TenantScope Durable Object. `client.ts` hands out stubs of it. */
export interface TenantScopeRpc {
  applyBatch(input: ApplyBatchInput): Promise<ApplyBatchResult>;
  summary(): Promise<ScopeSummary>;
  listResources(filter: ResourceFilter): Promise<Page<ResourceListItem>>;
  /** Null when the uid is not one of this tenant's resources. */
  getResource(uid: string, topFlows?: number): Promise<ResourceDetail | null>;
  listFlows(filter: FlowFilter): Promise<Page<FlowEdgeView>>;
  /** Every resource with its decision and reasons, by uid; pages of at most 1,000. */
  listDecisions(filter: DecisionFilter): Promise<Page<DecisionListItem>>;
  /** Null when the uid is not one of this tenant's resources. */
  setOverride(input: SetOverrideInput): Promise<ScopeDecision | null>;
  /** False when there was no override for the uid. */
  removeOverride(uid: string, author?: string): Promise<boolean>;
  stats(): Promise<TenantScopeStats>;
  /** "Can A reach B?" over the configured network; names the uids this tenant does not have. */
  findPath(from: string, to: string, port?: number, protocol?: string): Promise<PathAnswer>;
  /** Null when the uid is not one of this tenant's resources. */
  exposure(uid: string): Promise<ExposureAnswer | null>;
  listViolations(filter: ViolationFilter): Promise<Page<ViolationView>>;
  /** Null when there is no such violation; `conflict` when the status change is not allowed. */
  setViolationStatus(input: SetViolationStatusInput): Promise<ViolationView | null | { conflict: string }>;
  listDrift(filter: DriftFilter): Promise<Page<DriftEventView>>;
  /** Null when the uid has neither a resource nor any history here. */
  history(uid: string, limit: number): Promise<ResourceHistory | null>;
}

export type ViolationStatus = "open" | "acknowledged" | "resolved";

/** A segmentation violation as stored, with its lifecycle (worker/scope/violations.ts finds them). */
export interface ViolationView {
  id: string;
  kind: ViolationKind;
  severity: Severity;
  summary: string;
  pci: string[];
  subjects: string[];
  evidence: Evidence[];
  /** Unix ms: first found, last found by a classification. */
  firstSeen: number;
  lastSeen: number;
  status: ViolationStatus;
  statusComment: string | null;
  /** `system` (found again / gone), or the actor who acknowledged or resolved it. */
  statusBy: string | null;
  statusAt: number | null;
}

export interface ViolationFilter {
  status?: ViolationStatus;
  severity?: Severity;
  kind?: ViolationKind;
  cursor?: string;
  limit: number;
}

export interface SetViolationStatusInput {
  id: string;
  status: "acknowledged" | "resolved";
  comment: string;
  by: string;
}

/** What caused a classification and so the drift it records. */
export type DriftCause = "scan" | "flows" | "override" | "expiry" | "recovery";

export interface DriftEventView {
  /** Unique per stored event. */
  id: string;
  /** Ascending in recording order; the `drift` listing pages by it. */
  seq: number;
  kind: DriftKind;
  severity: Severity;
  uid: string;
  before: unknown;
  after: unknown;
  summary: string;
  cause: DriftCause;
  /** `<collectorId>/<scanId>` for drift found at a scan commit, else null. */
  scanId: string | null;
  /** Unix ms. */
  at: number;
}

export interface DriftFilter {
  /** Unix ms: only events at or after. */
  since?: number;
  kind?: DriftKind;
  severity?: Severity;
  uid?: string;
  cursor?: string;
  limit: number;
}

export interface OverrideEventView {
  seq: number;
  uid: string;
  action: "set" | "remove";
  scope: Scope | null;
  justification: string | null;
  author: string;
  expiresAt: string | null;
  at: number;
}

export type HistoryItem = ({ type: "drift" } & DriftEventView) | ({ type: "override" } & OverrideEventView);

export interface ResourceHistory {
  uid: string;
  /** Newest first. */
  items: HistoryItem[];
}

export type PathAnswer = { ok: true; path: ReachAnswer } | { ok: false; unknown: ("from" | "to")[] };

export interface ExposureAnswer {
  uid: string;
  exposed: boolean;
  exposures: InternetExposure[];
}

/** A JSON message on the live WebSocket (GET /v1/live). */
export type LiveEvent =
  | { type: "hello"; at: number; summary: ScopeSummary }
  | { type: "summary"; at: number; summary: ScopeSummary }
  | { type: "scope_changed"; at: number; cause: DriftCause; changes: { uid: string; before: unknown; after: unknown }[]; total: number }
  | { type: "violation_opened"; at: number; reopened: boolean; violation: ViolationView }
  | { type: "violation_resolved"; at: number; violation: ViolationView }
  | { type: "violation_acknowledged"; at: number; violation: ViolationView }
  | { type: "drift"; at: number; cause: DriftCause; events: DriftEventView[]; total: number };
