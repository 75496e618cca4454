import { GetObjectCommand, paginateListObjectsV2, type S3Client } from "@aws-sdk/client-s3";
import { gunzipSync } from "node:zlib";
import type { Logger } from "../log.js";
import { AwsVpcFlowLogParser, type FlowSink, type ParseStats } from "./aws-vpc.js";
import { isParquet, parseParquetFlowLog } from "./parquet.js";
import { addStats, errorLine, type SourceRead, sourceCoverage } from "./sources.js";
import { emptyStats } from "./tuples.js";

/**
 * VPC and Transit Gateway flow logs delivered to S3: objects under a prefix
 * (`AWSLogs/{account}/vpcflowlogs/{region}/yyyy/mm/dd/…log.gz`, or `….parquet`), each written
 * once and never appended to. An object is summarized once: the checkpoint keeps each
 * listed key with the ETag that was read; objects older than `since` (fixed at the first
 * read) are left alone so that a long history is not replayed. So that the checkpoint does
 * not grow with the bucket's history, objects older than `floor` (an hour before the last
 * complete listing began, held back by any object that could not be read) are known to be
 * read: they are skipped and dropped from it.
 */
/** The SDK calls this module makes, with the IAM action each needs (the shipped policy grants exactly these). */
export const S3_FLOWLOG_CALLS = { paginateListObjectsV2: "s3:ListBucket", GetObjectCommand: "s3:GetObject" } as const;

export interface S3Checkpoint {
  since: number;
  floor?: number;
  objects: Record<string, string>;
}

export function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!m) throw new Error(`not an S3 location: ${JSON.stringify(uri)} (expected s3://bucket/prefix)`);
  return { bucket: m[1]!, prefix: m[2] ?? "" };
}

export interface S3ReadOptions {
  uri: string;
  client: S3Client;
  sink: FlowSink;
  previous?: S3Checkpoint;
  /** For a location never read before: objects modified before this (ms) are skipped. */
  since: number;
  /** The time now (ms); tests pass a fixed one. */
  now?: number;
  log?: Logger;
}

export async function readS3FlowLogs(opts: S3ReadOptions): Promise<SourceRead<S3Checkpoint>> {
  const { bucket, prefix } = parseS3Uri(opts.uri);
  const since = opts.previous?.since ?? opts.since;
  const floor = Math.max(since, opts.previous?.floor ?? 0);
  const listStart = opts.now ?? Date.now();
  const seen = opts.previous?.objects ?? {};
  const objects: Record<string, string> = {};
  const modified = new Map<string, number>();
  let heldBack = Infinity;
  let listed = false;
  const stats = emptyStats();
  const failures: string[] = [];
  let units = 0;
  let attempted = 0;
  try {
    for await (const page of paginateListObjectsV2({ client: opts.client }, { Bucket: bucket, Prefix: prefix })) {
      for (const obj of page.Contents ?? []) {
        const key = obj.Key;
        const etag = obj.ETag ?? "";
        if (!key || key.endsWith("/") || !obj.Size) continue;
        const lastModified = obj.LastModified?.getTime() ?? 0;
        modified.set(key, lastModified);
        if (seen[key] === etag) {
          objects[key] = etag;
          continue;
        }
        if (lastModified < floor) continue;
        attempted++;
        try {
          const s = await readObject(opts.client, bucket, key, etag, opts.sink);
          addStats(stats, s);
          objects[key] = etag;
          units++;
          opts.log?.progress("flowlogs", { source: opts.uri, key, objects: units, records: stats.records });
        } catch (err) {
          // One unreadable object (KMS key denied, corrupt gzip) is retried next cycle; the others go on.
          if (seen[key] !== undefined) objects[key] = seen[key]!;
          heldBack = Math.min(heldBack, lastModified);
          failures.push(`s3:GetObject s3://${bucket}/${key}: ${errorLine(err)}`);
          opts.log?.warn("flow-log object not readable", { source: opts.uri, key, error: err as Error });
        }
      }
    }
    listed = true;
  } catch (err) {
    failures.push(`s3:ListBucket s3://${bucket}/${prefix}: ${errorLine(err)}`);
    opts.log?.warn("flow-log bucket not listable", { source: opts.uri, error: err as Error });
    // Nothing listed past this point: keep what the previous checkpoint knew.
    for (const [k, v] of Object.entries(seen)) objects[k] ??= v;
  }
  return {
    source: opts.uri,
    stats,
    units,
    coverage: sourceCoverage("aws", bucket, "", "s3:GetObject", failures, units, attempted + (failures.length > 0 && attempted === 0 ? 1 : 0)),
    checkpoint: listed ? prune(since, Math.max(floor, Math.min(listStart - FLOOR_MARGIN_MS, heldBack)), objects, modified) : { since, ...(opts.previous?.floor !== undefined ? { floor: opts.previous.floor } : {}), objects },
  };
}

/** How long after an object's LastModified it may first appear in a listing (a slow multipart upload). */
const FLOOR_MARGIN_MS = 3_600_000;

function prune(since: number, floor: number, objects: Record<string, string>, modified: Map<string, number>): S3Checkpoint {
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(objects)) if ((modified.get(k) ?? Infinity) >= floor) kept[k] = v;
  return { since, floor, objects: kept };
}

/** Downloads one object whole (a delivered file is at most tens of MB), decompresses, parses: a failure midway adds nothing. */
async function readObject(client: S3Client, bucket: string, key: string, etag: string, sink: FlowSink): Promise<ParseStats> {
  const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(etag ? { IfMatch: etag } : {}) }));
  if (!res.Body) throw new Error(`s3://${bucket}/${key}: empty response body`);
  let bytes: Uint8Array = await res.Body.transformToByteArray();
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  if (!isParquet(bytes)) {
    // Text: decompressed whole above, and the parser counts bad lines rather than throwing.
    const parser = new AwsVpcFlowLogParser(sink);
    parser.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    parser.end();
    return parser.stats;
  }
  // Parquet is decoded slice by slice and can fail midway: its records are staged and handed on only at the end.
  const staged: Array<Parameters<FlowSink["add4"]> | Parameters<FlowSink["add"]>> = [];
  const parser = new AwsVpcFlowLogParser({ add4: (...a) => void staged.push(a), add: (...a) => void staged.push(a) });
  await parseParquetFlowLog(bytes, parser);
  for (const a of staged) {
    if (typeof a[0] === "number") sink.add4(...(a as Parameters<FlowSink["add4"]>));
    else sink.add(...(a as Parameters<FlowSink["add"]>));
  }
  return parser.stats;
}
