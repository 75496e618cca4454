import type { FlowEdge, Resource, Route, Rule } from "../../contract/index.js";
import type { RuleId } from "./catalog.js";
import type { EdgeTable } from "./edges.js";

export type { RuleId } from "./catalog.js";

/** DESIGN §4. When several apply, the first in SCOPE_PRECEDENCE wins. */
export type Scope = "cde" | "security_impacting" | "connected" | "out_of_scope";
export const SCOPE_PRECEDENCE: readonly Scope[] = ["cde", "security_impacting", "connected", "out_of_scope"];

/** What a reason points at; an assessor can look each of these up. */
export type Evidence =
  | { type: "tag"; key: string; value: string }
  | { type: "override"; scope: Scope; author: string; at: string; justification: string; expiresAt?: string }
  | {
      type: "flow";
      srcIp: string;
      dstIp: string;
      dstPort: number;
      protocol: number;
      action: "accept" | "reject";
      packets: number;
      bytes: number;
      flows: number;
      firstSeen: number;
      lastSeen: number;
      srcUid?: string;
      dstUid?: string;
    }
  | { type: "rule"; ruleId: string; ownerUid: string; direction: string; protocol: string; fromPort: number; toPort: number; peer: string; action: string }
  | { type: "route"; routeId: string; tableUid: string; destination: string; target: string }
  | { type: "resource"; uid: string; relation: string }
  | { type: "keyword"; field: string; text: string; keyword: string }
  | { type: "absence"; checked: string }
  /** Totals over every edge a reason counted; the `flow` items next to it are the top few by bytes. */
  | {
      type: "flow_totals";
      edges: number;
      packets: number;
      bytes: number;
      flows: number;
      firstSeen: number;
      lastSeen: number;
      /** How many of these edges are listed as `flow` evidence in the same reason. */
      shown: number;
    };

export interface Reason {
  /** Stable rule id, e.g. "tag.pci_scope", "connected.observed_flow". Documented in docs/scoping-method.md. */
  rule: RuleId;
  scope: Scope;
  confidence: number;
  /** PCI DSS v4.0.1 requirement numbers or SSC scoping-guidance references. */
  pci: string[];
  summary: string;
  evidence: Evidence[];
}

/**
 * Decisions and reasons are values: the classifier shares identical reason and evidence
 * objects between decisions (frozen) to keep 100k-resource tenants cheap. Copy before editing.
 */
export interface ScopeDecision {
  uid: string;
  scope: Scope;
  confidence: number;
  /** The reason that decided the scope comes first. */
  reasons: Reason[];
}

/** A manual decision made in the app or API; wins over everything else while unexpired. */
export interface Override {
  uid: string;
  scope: Scope;
  justification: string;
  author: string;
  createdAt: string;
  expiresAt?: string;
}

export interface ClassifierInput {
  resources: readonly Resource[];
  rules: readonly Rule[];
  routes: readonly Route[];
  /**
   * Flow edges with srcUid/dstUid filled in wherever the address maps to a resource: as
   * objects, or as an `EdgeTable` (columns, ~40 bytes per edge; what `reclassifyTouched` needs).
   */
  edges: readonly FlowEdge[] | EdgeTable;
  overrides: readonly Override[];
  /** Unix ms, used for override expiry; passed in so classification stays pure. */
  now: number;
}
