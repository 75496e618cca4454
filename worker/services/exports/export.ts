import type { ServiceCtx } from "../../context.js";
import { attachment, exportFilename, streamText } from "./stream.js";
import { findingPages, type FindingsFilter } from "./findings.js";
import { inventoryCsv, inventoryJson } from "./inventory.js";
import { cefLine } from "./cef.js";
import { ocsfLine } from "./ocsf.js";
import type { InventoryFilter } from "./reader.js";

export type ExportFormat = "inventory.csv" | "inventory.json" | "findings.ocsf.jsonl" | "findings.cef";

const CONTENT_TYPE: Record<ExportFormat, string> = {
  "inventory.csv": "text/csv; charset=utf-8; header=present",
  "inventory.json": "application/json; charset=utf-8",
  "findings.ocsf.jsonl": "application/x-ndjson; charset=utf-8",
  "findings.cef": "text/plain; charset=utf-8",
};

async function* lines<T>(source: AsyncIterable<T[]>, line: (t: T) => string): AsyncGenerator<string> {
  for await (const items of source) yield items.map(line).join("");
}

/** A streamed export of the tenant's inventory or findings, as a download. */
export function exportResponse(ctx: ServiceCtx, format: ExportFormat, filter: InventoryFilter & FindingsFilter): Promise<Response> {
  const now = ctx.now();
  const { since, ...inventoryFilter } = filter;
  const chunks =
    format === "inventory.csv"
      ? inventoryCsv(ctx.scope, inventoryFilter)
      : format === "inventory.json"
        ? inventoryJson(ctx.scope, ctx.tenantId, now, inventoryFilter)
        : lines(findingPages(ctx.scope, since === undefined ? {} : { since }), (f) => (format === "findings.cef" ? cefLine(f, ctx.tenantId) : ocsfLine(f, ctx.tenantId)));
  return streamText(chunks, { "content-type": CONTENT_TYPE[format], "content-disposition": attachment(exportFilename(ctx.tenantId, format, now)) });
}
