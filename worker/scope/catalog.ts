import type { Scope } from "./types.js";

/**
 * Every rule the classifier can fire: its stable id, the scope it argues for, its
 * confidence and the PCI DSS v4.0.1 / SSC scoping-guidance references it stands on.
 * docs/scoping-method.md explains each one for an assessor; keep the two in step.
 * References come from PCI-SCOPING.md only: never add a requirement number not listed there.
 */
const SSC_CDE = "SSC scoping guidance: CDE systems";
const SSC_CDE_UNRESTRICTED = "SSC scoping guidance: CDE systems (unrestricted connectivity)";
const SSC_CONNECTED = "SSC scoping guidance: connected-to systems";
const SSC_SECURITY = "SSC scoping guidance: security-impacting systems";
const SSC_OUT = "SSC scoping guidance: out-of-scope systems";

export interface RuleSpec {
  /** The scope this rule argues for; `null` when it carries the scope it was given (overrides, tags). */
  scope: Scope | null;
  confidence: number;
  pci: readonly string[];
  title: string;
}

export const RULES = {
  "override.manual": {
    scope: null,
    confidence: 1,
    pci: ["PCI DSS 12.5.2"],
    title: "Manual scope decision recorded in the app, with author and justification",
  },
  "tag.pci_scope": {
    scope: null,
    confidence: 0.95,
    pci: ["PCI DSS 12.5.1", "PCI DSS 12.5.2"],
    title: "Scope declared by the resource owner with a pci:scope tag",
  },
  "inherited.parent": {
    scope: null,
    confidence: 1,
    pci: ["PCI DSS 12.5.1"],
    title: "Part of another resource (its network interface or address): takes that resource's scope",
  },
  "cde.data_classification": {
    scope: "cde",
    confidence: 0.9,
    pci: ["PCI DSS 12.5.2", SSC_CDE],
    title: "Tagged as holding account data (data classification)",
  },
  "cde.keyword_corroborated": {
    scope: "cde",
    confidence: 0.6,
    pci: ["PCI DSS 12.5.2", SSC_CDE],
    title: "Payment-data name or tag, corroborated by a confirmed CDE neighbour",
  },
  "cde.shared_segment_no_control": {
    scope: "cde",
    confidence: 0.7,
    pci: [SSC_CDE_UNRESTRICTED, "PCI DSS 1.3.1", "PCI DSS 12.5.2"],
    title: "Same subnet and same allow-all security group as a CDE component: no control between them",
  },
  "cde.in_path": {
    scope: "cde",
    confidence: 0.7,
    pci: [SSC_CDE, "PCI DSS 1.2.3", "PCI DSS 1.2.4", "PCI DSS 12.5.2"],
    title: "Load balancer or gateway that transmits traffic to or from a CDE component (in the CDE path)",
  },
  "cde.keyword": {
    scope: "cde",
    confidence: 0.3,
    pci: ["PCI DSS 12.5.2", SSC_CDE],
    title: "Payment-data name or tag only (candidate; confirm with a tag or override)",
  },
  "security_impacting.cde_control": {
    scope: "security_impacting",
    confidence: 0.9,
    pci: [SSC_SECURITY, "PCI DSS 1.2.3", "PCI DSS 1.3.1", "PCI DSS 1.3.2", "PCI DSS 11.4.5", "PCI DSS 12.5.2"],
    title: "Segmentation control or network segment of a CDE component",
  },
  "security_impacting.role_tag": {
    scope: "security_impacting",
    confidence: 0.9,
    pci: [SSC_SECURITY, "PCI DSS 12.5.2"],
    title: "Security/infrastructure role tag with observed traffic to or from the CDE",
  },
  "security_impacting.service_to_cde": {
    scope: "security_impacting",
    confidence: 0.85,
    pci: [SSC_SECURITY, "PCI DSS 1.2.4", "PCI DSS 12.5.2"],
    title: "Serves a security service (DNS, NTP, directory, logging, patching, config management) to the CDE",
  },
  "security_impacting.admin_access": {
    scope: "security_impacting",
    confidence: 0.85,
    pci: [SSC_SECURITY, "PCI DSS 1.2.4", "PCI DSS 12.5.2"],
    title: "Administers a CDE component (SSH, RDP, WinRM)",
  },
  "connected.observed_flow": {
    scope: "connected",
    confidence: 0.9,
    pci: [SSC_CONNECTED, "PCI DSS 1.2.4", "PCI DSS 1.3.1", "PCI DSS 1.3.2", "PCI DSS 12.5.2"],
    title: "Observed accepted traffic with a CDE component",
  },
  "connected.configured_path": {
    scope: "connected",
    confidence: 0.6,
    pci: [SSC_CONNECTED, "PCI DSS 1.2.3", "PCI DSS 1.3.1", "PCI DSS 12.5.2"],
    title: "Security groups, network ACLs and routes allow a path to or from a CDE component on some port (configured, not observed)",
  },
  "out_of_scope.no_path": {
    scope: "out_of_scope",
    confidence: 0.7,
    pci: [SSC_OUT, "PCI DSS 11.4.5", "PCI DSS 12.5.2"],
    title: "No observed or configured path to or from the CDE and no security role for it; lists the controls that block every path",
  },
} as const satisfies Record<string, RuleSpec>;

export type RuleId = keyof typeof RULES;

/** out_of_scope.no_path when the tenant has sent no flow data: absence of flows proves less. */
export const NO_PATH_WITHOUT_FLOWS_CONFIDENCE = 0.5;

/** connected.observed_flow when a configured path also allows the traffic: two independent sources agree. */
export const OBSERVED_AND_CONFIGURED_CONFIDENCE = 0.95;

/** A CDE decision at or above this confidence makes a resource a confirmed CDE component. */
export const CONFIRMED_CDE_CONFIDENCE = 0.5;

/** How many flow edges / related resources a reason lists before it only counts. */
export const EVIDENCE_CAP = 5;
