/** CSV (RFC 4180) with spreadsheet-formula neutralising: a cell starting with = + - @ gets a leading '. */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? "" : typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csv(header: string[], rows: unknown[][]): string {
  const out = [header.map(csvCell).join(",")];
  for (const r of rows) out.push(r.map(csvCell).join(","));
  return `${out.join("\r\n")}\r\n`;
}

interface InventoryResource {
  uid: string;
  name: string;
  provider: string;
  account: string;
  region: string;
  kind: string;
  scope: string | null;
  confidence: number | null;
  overridden: boolean;
  stale: boolean;
  reasons: { rule: string; pci: string[]; summary: string }[];
}

export const INVENTORY_HEADER = ["uid", "name", "provider", "account", "region", "kind", "scope", "confidence", "overridden", "stale", "deciding_rule", "pci", "reason", "other_reasons"];

/** The 12.5.1 inventory: one row per resource, the deciding reason first. */
export function inventoryCsv(resources: readonly InventoryResource[]): string {
  return csv(
    INVENTORY_HEADER,
    resources.map((r) => {
      const [first, ...rest] = r.reasons;
      return [r.uid, r.name, r.provider, r.account, r.region, r.kind, r.scope ?? "unclassified", r.confidence, r.overridden, r.stale, first?.rule ?? "", (first?.pci ?? []).join("; "), first?.summary ?? "", rest.map((x) => x.rule).join("; ")];
    }),
  );
}
