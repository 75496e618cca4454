import { createReadStream } from "node:fs";
import { open, readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createGunzip } from "node:zlib";
import type { Logger } from "../log.js";
import { AwsVpcFlowLogParser, type FlowSink, type ParseStats } from "./aws-vpc.js";
import { summarizeAzureFlowLog } from "./azure.js";
import { GcpFlowLogParser } from "./gcp.js";

/** Where reading a file got to, so that a restart summarizes each record once. */
export interface FileCheckpoint {
  size: number;
  mtimeMs: number;
  /** For plain files: bytes parsed (up to the last complete line). gzip files are read whole. */
  offset: number;
  gzip: boolean;
  /** Which provider's format the file held (absent: AWS, as before). */
  format?: FlowLogFormat;
  /** Azure blobs are one JSON document that grows by records: how many were summarized. */
  records?: number;
}

export type FlowLogFormat = "aws" | "azure" | "gcp";
export type Checkpoints = Record<string, FileCheckpoint>;

/** Files under the configured paths (directories recursively), sorted, hidden files skipped. */
export async function listFlowLogFiles(paths: string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const p of paths) {
    const abs = resolve(p);
    const st = await stat(abs);
    if (st.isFile()) {
      out.add(abs);
      continue;
    }
    for (const entry of await readdir(abs, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || entry.name.startsWith(".")) continue;
      out.add(join(entry.parentPath, entry.name));
    }
  }
  return [...out].sort();
}

async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, "r");
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** What still needs reading in a file, given its last checkpoint; undefined if nothing. */
export async function plan(
  path: string,
  previous: FileCheckpoint | undefined,
): Promise<{ from: number; gzip: boolean; size: number; mtimeMs: number; skipRecords?: number; format?: FlowLogFormat } | undefined> {
  const st = await stat(path);
  const gzip = await isGzip(path);
  if (previous && previous.size === st.size && previous.mtimeMs === st.mtimeMs) return undefined;
  // An Azure blob is rewritten as a whole document with more records: read it all, skip what was summarized.
  if (previous?.format === "azure") return { from: 0, gzip, size: st.size, mtimeMs: st.mtimeMs, skipRecords: st.size >= previous.size ? (previous.records ?? 0) : 0 };
  if (gzip) return { from: 0, gzip, size: st.size, mtimeMs: st.mtimeMs };
  // A plain file that grew is read from where we stopped; one that shrank was rotated.
  const from = previous && !previous.gzip && st.size >= previous.offset ? previous.offset : 0;
  if (from === st.size) return undefined;
  return { from, gzip, size: st.size, mtimeMs: st.mtimeMs, ...(from > 0 ? { format: previous?.format ?? "aws" } : {}) };
}

/** The format a file's first bytes announce: a JSON document with `records` (Azure), JSON lines of log entries (GCP), else AWS text. */
export function sniffFormat(head: Buffer): FlowLogFormat {
  const text = head.toString("utf8", 0, Math.min(head.length, 4096)).trimStart();
  if (text.startsWith("{") || text.startsWith("[")) {
    if (/"records"\s*:/.test(text)) return "azure";
    return "gcp";
  }
  return "aws";
}

/** Streams one file (gzip or plain) through the parser its format needs into the sink. */
export async function readFlowLogFile(
  path: string,
  sink: FlowSink,
  from = 0,
  gzip?: boolean,
  onChunk?: (stats: ParseStats) => void,
  skipRecords = 0,
  /** The format of a file read from an offset (its first bytes are mid-file, so they cannot be sniffed). */
  formatHint?: FlowLogFormat,
): Promise<{ stats: ParseStats; offset: number; format: FlowLogFormat; records?: number }> {
  const gz = gzip ?? (await isGzip(path));
  const raw = createReadStream(path, { highWaterMark: 1 << 20, start: gz ? 0 : from });
  const stream = gz ? raw.pipe(createGunzip({ chunkSize: 1 << 18 })) : raw;
  let format: FlowLogFormat | undefined;
  let aws: AwsVpcFlowLogParser | undefined;
  let gcp: GcpFlowLogParser | undefined;
  const azureChunks: Buffer[] = [];
  const stats: ParseStats = { records: 0, skipped: 0, malformed: 0, headers: 0 };
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    format ??= from > 0 && !gz ? (formatHint ?? "aws") : sniffFormat(buf);
    if (format === "azure") azureChunks.push(buf);
    else if (format === "gcp") (gcp ??= new GcpFlowLogParser(sink, stats)).push(buf);
    else {
      aws ??= new AwsVpcFlowLogParser(sink);
      aws.push(buf);
      Object.assign(stats, aws.stats);
    }
    onChunk?.(stats);
  }
  if (format === "azure") {
    const { logRecords } = summarizeAzureFlowLog(JSON.parse(Buffer.concat(azureChunks).toString("utf8")), sink, stats, skipRecords);
    return { stats, offset: 0, format, records: logRecords };
  }
  if (format === "gcp") {
    if (gz) gcp?.end();
    return { stats, offset: gz ? 0 : from + (gcp?.consumedBytes ?? 0), format };
  }
  if (gz) aws?.end();
  if (aws) Object.assign(stats, aws.stats);
  // A plain file's last line without a newline may still be being written: leave it for
  // the next read (the offset stops before it).
  return { stats, offset: gz ? 0 : from + (aws?.consumedBytes ?? 0), format: "aws" };
}

export interface ReadResult {
  files: number;
  stats: ParseStats;
  checkpoints: Checkpoints;
  sources: string[];
}

/** Reads every new or grown file once, returning the updated checkpoints (to be saved after the edges are spooled). */
export async function readFlowLogs(paths: string[], sink: FlowSink, previous: Checkpoints, log?: Logger): Promise<ReadResult> {
  const checkpoints: Checkpoints = { ...previous };
  const total: ParseStats = { records: 0, skipped: 0, malformed: 0, headers: 0 };
  const sources: string[] = [];
  const files = await listFlowLogFiles(paths);
  let done = 0;
  for (const file of files) {
    const todo = await plan(file, previous[file]);
    done++;
    if (!todo) continue;
    const before = total.records;
    let result: Awaited<ReturnType<typeof readFlowLogFile>>;
    try {
      result = await readFlowLogFile(file, sink, todo.from, todo.gzip, (s) => log?.progress("flowlogs", { file, filesDone: done - 1, files: files.length, records: before + s.records }), todo.skipRecords, todo.format);
    } catch (err) {
      // One unreadable file (a half-uploaded blob, bad JSON) must not stop the others; it is retried next cycle.
      log?.warn("flow-log file not readable", { file, error: err as Error });
      continue;
    }
    const { stats, offset, format, records } = result;
    total.records += stats.records;
    total.skipped += stats.skipped;
    total.malformed += stats.malformed;
    total.headers += stats.headers;
    sources.push(file);
    checkpoints[file] = {
      size: todo.size,
      mtimeMs: todo.mtimeMs,
      offset: todo.gzip ? todo.size : offset,
      gzip: todo.gzip,
      ...(format !== "aws" ? { format } : {}),
      ...(records !== undefined ? { records } : {}),
    };
    log?.progress("flowlogs", { file, filesDone: done, files: files.length, records: total.records });
  }
  return { files: sources.length, stats: total, checkpoints, sources };
}
