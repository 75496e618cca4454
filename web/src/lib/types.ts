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
} from "../../../worker/durable-objects/tenant-scope/interface.js";
export type { Evidence, Override, Reason, Scope, ScopeDecision } from "../../../worker/scope/types.js";
export type { CollectorView } from "../../../worker/services/collectors/list.js";
export type { CurrentSession as Me } from "../../../worker/services/sessions/current.js";
export type { UserView } from "../../../worker/services/users/view.js";
export type { InviteView } from "../../../worker/services/invites/view.js";

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
