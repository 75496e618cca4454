import { csvCell } from "../../evidence/package/csv.js";
import type { Reason } from "../../scope/types.js";
import { inventoryPages, type ExportReader, type InventoryFilter, type InventoryRow, type PagingOptions } from "./reader.js";

export const INVENTORY_CSV_HEADER = [
  "uid",
  "provider",
  "account",
  "region",
  "kind",
  "name",
  "scope",
  "confidence",
  "overridden",
  "stale",
  "deciding_rule",
  "pci",
  "reasons_summary",
] as const;

/** "rule: summary" for every reason, deciding one first, joined so one cell reads as a sentence list. */
export function reasonsSummary(reasons: readonly Reason[]): string {
  return reasons.map((r) => `${r.rule}: ${r.summary}`).join(" | ");
}

export function inventoryCsvLine(r: InventoryRow): string {
  const reasons = r.decision?.reasons ?? [];
  const cells = [
    r.uid,
    r.provider,
    r.account,
    r.region,
    r.kind,
    r.name,
    r.scope ?? "unclassified",
    r.confidence,
    r.overridden,
    r.stale,
    reasons[0]?.rule ?? "",
    [...new Set(reasons.flatMap((x) => x.pci))].join("; "),
    reasonsSummary(reasons),
  ];
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/** RFC 4180 CSV (CRLF, quoted where needed, formula-looking cells prefixed with '), one row per resource. */
export async function* inventoryCsv(reader: ExportReader, filter: InventoryFilter, o?: PagingOptions): AsyncGenerator<string> {
  let head = `${INVENTORY_CSV_HEADER.join(",")}\r\n`;
  for await (const rows of inventoryPages(reader, filter, o)) {
    yield head + rows.map(inventoryCsvLine).join("");
    head = "";
  }
}

export function inventoryJsonItem(r: InventoryRow) {
  return {
    uid: r.uid,
    provider: r.provider,
    account: r.account,
    region: r.region,
    kind: r.kind,
    name: r.name,
    tags: r.tags,
    scope: r.scope,
    confidence: r.confidence,
    overridden: r.overridden,
    stale: r.stale,
    decidingRule: r.decision?.reasons[0]?.rule ?? null,
    reasonsSummary: reasonsSummary(r.decision?.reasons ?? []),
    firstSeen: new Date(r.firstSeen).toISOString(),
    lastSeen: new Date(r.lastSeen).toISOString(),
    reasons: r.decision?.reasons ?? [],
  };
}

/**
 * One JSON document `{format, tenantId, generatedAt, filter, resources: [...]}` written as it is
 * read: the array is opened first and each page appended, so it is valid JSON only once complete.
 */
export async function* inventoryJson(reader: ExportReader, tenantId: string, now: number, filter: InventoryFilter, o?: PagingOptions): AsyncGenerator<string> {
  let prefix = `{"format":"psg-inventory/1","tenantId":${JSON.stringify(tenantId)},"generatedAt":${JSON.stringify(new Date(now).toISOString())},"filter":${JSON.stringify(filter)},"resources":[`;
  let first = true;
  for await (const rows of inventoryPages(reader, filter, o)) {
    let out = prefix;
    for (const r of rows) {
      out += (first ? "\n" : ",\n") + JSON.stringify(inventoryJsonItem(r));
      first = false;
    }
    prefix = "";
    yield out;
  }
  yield "\n]}\n";
}
