import type { Finding } from "./findings.js";
import { PRODUCT } from "./ocsf.js";

/**
 * CEF (ArcSight Common Event Format): `CEF:0|Vendor|Product|Version|SignatureID|Name|Severity|Extension`.
 * Header fields escape `\` and `|`; extension values escape `\`, `=` and line breaks (a pipe is
 * literal there). Neither may hold a raw newline, which would split the event.
 */
export function cefHeaderField(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r\n|\r|\n/g, " ");
}

export function cefExtensionValue(s: string): string {
  return s.replace(/\\/g, "\\\\").replace(/=/g, "\\=").replace(/\r\n|\n/g, "\\n").replace(/\r/g, "\\r");
}

const SEVERITY = { low: 3, medium: 5, high: 8, critical: 10 } as const;

/** Scope of a drift before/after value (`{scope, rule}`), as text. */
const scopeOf = (v: unknown) => (v && typeof v === "object" && "scope" in v ? String((v as { scope: unknown }).scope) : "");

export function cefLine(f: Finding, tenantId: string): string {
  const ext: [string, string | number][] = [
    ["rt", f.time],
    ["start", f.firstSeen],
    ["end", f.lastSeen],
    ["externalId", f.uid],
    ["cat", f.source],
    ["msg", f.summary],
    ["cs1Label", "PCI DSS"],
    ["cs1", f.pci.join(", ")],
    ["cs2Label", "Subjects"],
    ["cs2", f.subjects.join(" ")],
    ["cs3Label", "Tenant"],
    ["cs3", tenantId],
    ["cs4Label", "Status"],
    ["cs4", f.status],
  ];
  if (f.change) ext.push(["cs5Label", "Scope before"], ["cs5", scopeOf(f.change.before)], ["cs6Label", "Scope after"], ["cs6", scopeOf(f.change.after)]);
  const header = ["CEF:0", PRODUCT.vendor_name, PRODUCT.name, PRODUCT.version, f.kind, f.title, String(SEVERITY[f.severity])].map((h, i) => (i === 0 ? h : cefHeaderField(h)));
  return `${header.join("|")}|${ext.map(([k, v]) => `${k}=${cefExtensionValue(String(v))}`).join(" ")}\n`;
}
