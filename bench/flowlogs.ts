import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { createGzip } from "node:zlib";
import { readFlowLogFile } from "../collector/src/flowlogs/files.js";
import { FlowSummary } from "../collector/src/flowlogs/summarize.js";

export interface FlowlogsBenchResult {
  records: number;
  /** Wall time to read, gunzip, parse and summarize the gzip'd log. */
  seconds: number;
  recordsPerSecond: number;
  /**
   * CPU time the process spent (all threads: parsing plus the zlib thread), and records per
   * CPU-second: the "one core" figure, robust to a machine busy with other work.
   */
  cpuSeconds: number;
  recordsPerCpuSecond: number;
  peakRssMB: number;
  edges: number;
  /**
   * The same records from an uncompressed file: the parser + summarizer hot path alone.
   * Measured up to 2,000,000 records (beyond that the plain file is not written).
   */
  plainSeconds?: number;
  plainRecordsPerSecond?: number;
  gzipMB: number;
  /**
   * DuckDB (one thread) running the same summary as a GROUP BY over the same gzip'd file:
   * server side by the lower port, sums of packets and bytes, count, first and last seen.
   * The ratio to beat: our records/s over DuckDB's.
   */
  duckdbSeconds?: number;
  duckdbRecordsPerSecond?: number;
  duckdbGroups?: number;
}

const SERVER_PORTS = [443, 80, 22, 5432, 3306, 6379, 8080, 53, 123, 9092];

/** Deterministic PRNG so runs are comparable. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes N AWS v2 records over ~50k distinct edges (both directions, ephemeral client ports). */
async function writeLog(path: string, records: number, gzip: boolean): Promise<void> {
  const rand = rng(42);
  const edgeCount = 50_000;
  const edges: Array<[string, string, number, number, string]> = [];
  for (let i = 0; i < edgeCount; i++) {
    const client = `10.${(i >> 8) & 255}.${i & 255}.${1 + Math.floor(rand() * 200)}`;
    const server = `10.100.${Math.floor(rand() * 4)}.${1 + Math.floor(rand() * 50)}`;
    const port = SERVER_PORTS[Math.floor(rand() * SERVER_PORTS.length)]!;
    // One edge in twenty is blocked: its records are all REJECTs, as a deny rule would make them.
    edges.push([client, server, port, port === 53 || port === 123 ? 17 : 6, i % 20 === 0 ? "REJECT" : "ACCEPT"]);
  }
  const file = createWriteStream(path);
  const out = gzip ? createGzip({ level: 6 }) : file;
  const done = gzip ? pipeline(out as ReturnType<typeof createGzip>, file) : once(file, "close");
  const start = 1_700_000_000;
  let buf = "";
  for (let i = 0; i < records; i++) {
    const [c, s, port, proto, action] = edges[Math.floor(rand() * edgeCount)]!;
    const eph = 32768 + Math.floor(rand() * 28000);
    const t = start + Math.floor(i / 1000);
    const packets = 1 + Math.floor(rand() * 40);
    const bytes = packets * (60 + Math.floor(rand() * 1400));
    buf +=
      rand() < 0.5
        ? `2 123456789010 eni-0a1b2c3d4e5f60718 ${c} ${s} ${eph} ${port} ${proto} ${packets} ${bytes} ${t} ${t + 60} ${action} OK\n`
        : `2 123456789010 eni-0a1b2c3d4e5f60718 ${s} ${c} ${port} ${eph} ${proto} ${packets} ${bytes} ${t} ${t + 60} ${action} OK\n`;
    if (i % 2000 === 0) buf += `2 123456789010 eni-0a1b2c3d4e5f60718 - - - - - - - ${t} ${t + 60} - NODATA\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, "drain");
      buf = "";
    }
  }
  out.end(buf);
  await done;
}

async function warmUp(dir: string): Promise<void> {
  const path = join(dir, "warmup.log");
  await writeLog(path, 300_000, false);
  for (let i = 0; i < 2; i++) await readFlowLogFile(path, new FlowSummary(), 0, false);
  await rm(path);
}

export async function benchFlowlogs(records: number): Promise<FlowlogsBenchResult> {
  const dir = await mkdtemp(join(tmpdir(), "psg-bench-flowlogs-"));
  try {
    const gzPath = join(dir, "flows.log.gz");
    const plainPath = join(dir, "flows.log");
    const measurePlain = records <= 2_000_000;
    await writeLog(gzPath, records, true);
    if (measurePlain) await writeLog(plainPath, records, false);
    // Steady state is what a long-running collector sees: let the JIT settle on a small
    // sample first (not timed), as a collector does on its first file.
    await warmUp(dir);
    let peak = process.memoryUsage.rss();
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
    try {
      let plainSeconds: number | undefined;
      let plainRecords = 0;
      if (measurePlain) {
        const plain = new FlowSummary();
        const t = performance.now();
        await readFlowLogFile(plainPath, plain, 0, false);
        plainSeconds = (performance.now() - t) / 1000;
        plainRecords = plain.records;
        await rm(plainPath);
      }

      const summary = new FlowSummary();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const { stats } = await readFlowLogFile(gzPath, summary, 0, true);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6;
      peak = Math.max(peak, process.memoryUsage.rss());
      return {
        records: stats.records,
        seconds,
        recordsPerSecond: Math.round(stats.records / seconds),
        cpuSeconds,
        recordsPerCpuSecond: Math.round(stats.records / cpuSeconds),
        peakRssMB: Math.round(peak / 1024 / 1024),
        edges: summary.size,
        ...(plainSeconds !== undefined ? { plainSeconds, plainRecordsPerSecond: Math.round(plainRecords / plainSeconds) } : {}),
        gzipMB: Math.round(((await stat(gzPath)).size / 1024 / 1024) * 10) / 10,
        ...(await duckdbGroupBy(gzPath, stats.records)),
      };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The same summary as one single-threaded DuckDB GROUP BY over the gzip'd file. */
async function duckdbGroupBy(gzPath: string, records: number): Promise<Pick<FlowlogsBenchResult, "duckdbSeconds" | "duckdbRecordsPerSecond" | "duckdbGroups">> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(":memory:", { threads: "1" });
  const con = await db.connect();
  const names = ["version", "account", "eni", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start_t", "end_t", "action", "status"];
  const columns = `{${names.map((n) => `'${n}': 'VARCHAR'`).join(", ")}}`;
  const sql = `
    WITH r AS (
      SELECT srcaddr, dstaddr, TRY_CAST(srcport AS INTEGER) sp, TRY_CAST(dstport AS INTEGER) dp, TRY_CAST(protocol AS INTEGER) proto, action,
             TRY_CAST(packets AS BIGINT) packets, TRY_CAST(bytes AS BIGINT) bytes, TRY_CAST(start_t AS BIGINT) t0, TRY_CAST(end_t AS BIGINT) t1
      FROM read_csv('${gzPath}', delim = ' ', header = false, columns = ${columns}, compression = 'gzip', auto_detect = false)
      WHERE status = 'OK')
    SELECT CASE WHEN sp < dp THEN dstaddr ELSE srcaddr END AS client, CASE WHEN sp < dp THEN srcaddr ELSE dstaddr END AS server,
           LEAST(sp, dp) AS port, proto, action, sum(packets), sum(bytes), count(*), min(t0), max(t1)
    FROM r GROUP BY ALL`;
  const t = performance.now();
  const result = await con.runAndReadAll(sql);
  const duckdbSeconds = (performance.now() - t) / 1000;
  const groups = result.getRows().length;
  con.closeSync();
  return { duckdbSeconds, duckdbRecordsPerSecond: Math.round(records / duckdbSeconds), duckdbGroups: groups };
}

/**
 * Reading the same kind of gzip'd log from S3 (moto on loopback, the real S3 client), split
 * into `objects` objects as delivery writes them: listing, download, gunzip, parse, summarize.
 */
export async function benchS3Flowlogs(records: number, objects = 10): Promise<{ records: number; objects: number; seconds: number; recordsPerSecond: number; gzipMB: number; edges: number }> {
  const { startMoto } = await import("../test/collector/fixtures/moto.js");
  const { PutObjectCommand, S3Client } = await import("@aws-sdk/client-s3");
  const { readS3FlowLogs } = await import("../collector/src/flowlogs/s3.js");
  const moto = await startMoto();
  const dir = await mkdtemp(join(tmpdir(), "psg-bench-s3-"));
  try {
    const credentials = { accessKeyId: "AKIAMOTOTEST", secretAccessKey: "x" };
    const client = new S3Client({ region: "us-east-1", endpoint: moto.url, forcePathStyle: true, credentials });
    moto.python(`import boto3; boto3.client("s3").create_bucket(Bucket="bench-flow-logs")`);
    let gzipBytes = 0;
    for (let i = 0; i < objects; i++) {
      const path = join(dir, `part-${i}.log.gz`);
      await writeLog(path, Math.ceil(records / objects), true);
      const body = await readFile(path);
      gzipBytes += body.length;
      await client.send(new PutObjectCommand({ Bucket: "bench-flow-logs", Key: `AWSLogs/123456789010/vpcflowlogs/us-east-1/2026/11/23/part-${i}.log.gz`, Body: body }));
      await rm(path);
    }
    const summary = new FlowSummary();
    const t0 = performance.now();
    const r = await readS3FlowLogs({ uri: "s3://bench-flow-logs/AWSLogs/", client, sink: summary, since: 0 });
    const seconds = (performance.now() - t0) / 1000;
    return { records: r.stats.records, objects: r.units, seconds, recordsPerSecond: Math.round(r.stats.records / seconds), gzipMB: Math.round((gzipBytes / 1024 / 1024) * 10) / 10, edges: summary.size };
  } finally {
    await moto.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // tsx bench/flowlogs.ts [records]   |   tsx bench/flowlogs.ts s3 [records]
  if (process.argv[2] === "s3") console.log(JSON.stringify(await benchS3Flowlogs(Number(process.argv[3] ?? 1_000_000))));
  else console.log(JSON.stringify(await benchFlowlogs(Number(process.argv[2] ?? 2_000_000))));
}
