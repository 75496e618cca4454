/**
 * The API's response shapes, taken from the API worker's own types (type-only imports: nothing
 * of the worker is bundled), so the web app and the API cannot drift apart silently.
 */
export type {
  FlowEdgeView,
  Page,
  ResourceDetail,
  ResourceListItem,
  ScopeSummary,
  ViolationView,
  ViolationStatus,
  DriftEventView,
  ResourceHistory,
  HistoryItem,
  LiveEvent,
} from "$api/durable-objects/tenant-scope/interface.js";
export type { Severity, ViolationKind } from "$api/scope/violations.js";
export type { DriftKind } from "$api/scope/drift.js";
export type { NamedViolationView } from "$api/durable-objects/tenant-scope/subject-names.js";
export type { ScopeTrend, ScopeTrendPoint } from "$api/durable-objects/tenant-scope/trend.js";
export type { Evidence, Override, Reason, Scope, ScopeDecision } from "$api/scope/types.js";
export type { CollectorListItem, CollectorView } from "$api/services/collectors/list.js";
export type { CollectorCoverage, CoverageIssue } from "$api/services/collectors/coverage.js";
export type { ApiKeyView } from "$api/services/api-keys/list.js";
export type { CurrentSession as Me } from "$api/services/sessions/current.js";
export type { UserView } from "$api/services/users/view.js";
export type { InviteView } from "$api/services/invites/view.js";

export type Role = "owner" | "admin" | "analyst" | "viewer";
export const ROLES: Role[] = ["owner", "admin", "analyst", "viewer"];

export const SCOPES = ["cde", "security_impacting", "connected", "out_of_scope"] as const;
export const SCOPE_LABEL: Record<string, string> = {
  cde: "CDE",
  security_impacting: "Security-impacting",
  connected: "Connected",
  out_of_scope: "Out of scope",
  unclassified: "Unclassified",
  unmapped: "Unmapped",
};

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export const VIOLATION_KIND_LABEL: Record<string, string> = {
  flow_cde_out_of_scope: "Out-of-scope resource talks to the CDE",
  path_cde_out_of_scope: "Out-of-scope resource can reach the CDE",
  internet_to_cde: "Internet reaches the CDE outside an approved entry point",
  unmapped_ip_to_cde: "Unmapped address talks to the CDE",
};
export const DRIFT_KIND_LABEL: Record<string, string> = {
  resource_added: "Resource added",
  resource_removed: "Resource removed",
  scope_changed: "Scope changed",
  new_boundary_flow: "New flow across the CDE boundary",
  cde_control_rule_changed: "CDE control rule changed",
};
