import type { BlobServiceClient, ContainerClient } from "@azure/storage-blob";
import type { Logger } from "../log.js";
import type { FlowSink, ParseStats } from "./aws-vpc.js";
import { summarizeAzureFlowLog } from "./azure.js";
import { addStats, errorLine, type SourceRead, sourceCoverage } from "./sources.js";
import { emptyStats } from "./tuples.js";

/**
 * Azure NSG flow logs (v2) and VNet flow logs (v4) in the storage account Network Watcher
 * writes them to: one block blob per hour and NIC/NSG,
 * `resourceId=…/y=YYYY/m=MM/d=DD/h=HH/m=00/macAddress=…/PT1H.json`. Through the hour Azure
 * commits a new block list that inserts one record block (`,{…}`) before the closing `]}`,
 * so the bytes read before stay where they were. The checkpoint keeps, per blob, the ETag
 * and the byte offset where the closing `]}` began: a blob that grew is read from there
 * (a ranged download of the new blocks only), one that did not is not read at all. A blob
 * is written during its hour only: once it is three hours older than the last complete
 * listing (`floor`, held back by any blob that could not be read) it is skipped and dropped
 * from the checkpoint, which so does not grow with the account's retention.
 */
export const AZURE_FLOWLOG_CONTAINERS = ["insights-logs-networksecuritygroupflowevent", "insights-logs-flowlogflowevent"] as const;
/** The data action reading needs (List Blobs and Get Blob); the shipped custom role grants exactly this. */
export const AZURE_FLOWLOG_DATA_ACTIONS = ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"] as const;

export interface BlobCheckpoint {
  etag: string;
  length: number;
  /** Byte offset of the closing `]}`: where appended records begin. */
  offset: number;
  /** Records summarized so far. */
  records: number;
}
export interface AzureBlobsCheckpoint {
  since: number;
  floor?: number;
  blobs: Record<string, BlobCheckpoint>;
}

export interface AzureBlobsReadOptions {
  /** What the source is called in coverage and checkpoints (the account's blob endpoint). */
  account: string;
  service: BlobServiceClient;
  sink: FlowSink;
  previous?: AzureBlobsCheckpoint;
  since: number;
  /** The time now (ms); tests pass a fixed one. */
  now?: number;
  log?: Logger;
}

const FLOOR_MARGIN_MS = 3 * 3_600_000;

export async function readAzureFlowLogBlobs(opts: AzureBlobsReadOptions): Promise<SourceRead<AzureBlobsCheckpoint>> {
  const since = opts.previous?.since ?? opts.since;
  const floor = Math.max(since, opts.previous?.floor ?? 0);
  const listStart = opts.now ?? Date.now();
  const seen = opts.previous?.blobs ?? {};
  const blobs: Record<string, BlobCheckpoint> = {};
  const modified = new Map<string, number>();
  let heldBack = Infinity;
  let listedAll = true;
  const stats = emptyStats();
  const failures: string[] = [];
  let units = 0;
  let attempted = 0;
  for (const name of AZURE_FLOWLOG_CONTAINERS) {
    const container = opts.service.getContainerClient(name);
    try {
      for await (const blob of container.listBlobsFlat()) {
        const key = `${name}/${blob.name}`;
        const etag = blob.properties.etag ?? "";
        const length = blob.properties.contentLength ?? 0;
        const prev = seen[key];
        const lastModified = blob.properties.lastModified?.getTime() ?? 0;
        modified.set(key, lastModified);
        if (prev?.etag === etag || !blob.name.endsWith(".json") || length === 0) {
          if (prev) blobs[key] = prev;
          continue;
        }
        if (lastModified < floor) continue;
        attempted++;
        try {
          const { checkpoint, stats: s } = await readBlob(container, blob.name, etag, length, prev, opts.sink);
          addStats(stats, s);
          blobs[key] = checkpoint;
          units++;
          opts.log?.progress("flowlogs", { source: opts.account, blob: key, blobs: units, records: stats.records });
        } catch (err) {
          if (prev) blobs[key] = prev;
          heldBack = Math.min(heldBack, lastModified);
          failures.push(`read ${key}: ${errorLine(err)}`);
          opts.log?.warn("flow-log blob not readable", { account: opts.account, blob: key, error: err as Error });
        }
      }
    } catch (err) {
      // A container that does not exist means that kind of flow log is not enabled there: nothing to read, not a failure.
      if ((err as { statusCode?: number; code?: string }).code === "ContainerNotFound") continue;
      listedAll = false;
      failures.push(`list ${name}: ${errorLine(err)}`);
      opts.log?.warn("flow-log container not listable", { account: opts.account, container: name, error: err as Error });
      for (const [k, v] of Object.entries(seen)) if (k.startsWith(`${name}/`)) blobs[k] ??= v;
    }
  }
  return {
    source: opts.account,
    stats,
    units,
    coverage: sourceCoverage("azure", opts.account, "", AZURE_FLOWLOG_DATA_ACTIONS[0], failures, units, attempted + (failures.length > 0 && attempted === 0 ? 1 : 0)),
    checkpoint: listedAll ? prune(since, Math.max(floor, Math.min(listStart - FLOOR_MARGIN_MS, heldBack)), blobs, modified) : { since, ...(opts.previous?.floor !== undefined ? { floor: opts.previous.floor } : {}), blobs },
  };
}

function prune(since: number, floor: number, blobs: Record<string, BlobCheckpoint>, modified: Map<string, number>): AzureBlobsCheckpoint {
  const kept: Record<string, BlobCheckpoint> = {};
  for (const [k, v] of Object.entries(blobs)) if ((modified.get(k) ?? Infinity) >= floor) kept[k] = v;
  return { since, floor, blobs: kept };
}

async function readBlob(container: ContainerClient, name: string, etag: string, length: number, prev: BlobCheckpoint | undefined, sink: FlowSink): Promise<{ checkpoint: BlobCheckpoint; stats: ParseStats }> {
  const blob = container.getBlobClient(name);
  const conditions = etag ? { ifMatch: etag } : {};
  const stats = emptyStats();
  if (prev && length >= prev.length && prev.offset > 0) {
    const tail = await blob.downloadToBuffer(prev.offset, length - prev.offset, { conditions });
    const appended = parseAppendedRecords(tail);
    if (appended) {
      summarizeAzureFlowLog({ records: appended.records }, sink, stats);
      return { checkpoint: { etag, length, offset: prev.offset + appended.footer, records: prev.records + appended.records.length }, stats };
    }
    // The blob was rewritten rather than appended to: read it whole, skipping the records already summarized.
  }
  const whole = await blob.downloadToBuffer(0, length, { conditions });
  const footer = footerStart(whole);
  if (footer < 0) throw new Error(`${name}: not a complete flow-log document (no closing "]}")`);
  const doc = JSON.parse(whole.toString("utf8")) as unknown;
  const skip = prev && length >= prev.length ? prev.records : 0;
  const { logRecords } = summarizeAzureFlowLog(doc, sink, stats, skip);
  return { checkpoint: { etag, length, offset: footer, records: logRecords }, stats };
}

const isSpace = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Byte index of the `]` of a document's closing `]}` (whitespace allowed around), or -1. */
export function footerStart(buf: Uint8Array): number {
  let i = buf.length - 1;
  while (i >= 0 && isSpace(buf[i])) i--;
  if (buf[i] !== 0x7d) return -1;
  i--;
  while (i >= 0 && isSpace(buf[i])) i--;
  return buf[i] === 0x5d ? i : -1;
}

/**
 * The records in the bytes from a previous closing `]}` to the end: `]}` alone (nothing new) or
 * `,{…},{…}]}`. Undefined when the bytes are not that shape (the blob was rewritten).
 */
export function parseAppendedRecords(tail: Uint8Array): { records: unknown[]; footer: number } | undefined {
  const footer = footerStart(tail);
  if (footer < 0) return undefined;
  let start = 0;
  while (start < footer && isSpace(tail[start])) start++;
  if (start === footer) return { records: [], footer };
  if (tail[start] !== 0x2c) return undefined;
  try {
    const records = JSON.parse(`[${Buffer.from(tail.buffer, tail.byteOffset + start + 1, footer - start - 1).toString("utf8")}]`) as unknown[];
    return { records, footer };
  } catch {
    return undefined;
  }
}
