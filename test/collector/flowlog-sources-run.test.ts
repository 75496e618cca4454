import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { BlobServiceClient } from "@azure/storage-blob";
import { PassThroughClient } from "google-auth-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlowEdge } from "../../contract/index.js";
import { type LogEntryJson, type LoggingServer, startLoggingServer } from "../../collector/sample-cloud/logging-server.js";
import { ConfigError, loadConfig } from "../../collector/src/config.js";
import { enroll } from "../../collector/src/enroll.js";
import { memoryLogger } from "../../collector/src/log.js";
import { type RunDeps, runCycle } from "../../collector/src/run.js";
import { type Azurite, startAzurite } from "./fixtures/azurite.js";
import { type FakeApi, startFakeApi } from "./fixtures/fake-api.js";
import { type Moto, startMoto } from "./fixtures/moto.js";

// A collector configured only with cloud flow-log locations: S3 and CloudWatch Logs (moto),
// an Azure storage account (azurite), GCP Cloud Logging (local entries:list). Cycles are run
// as restarts (fresh deps over the same state directory): every record is sent once.
const creds = { accessKeyId: "AKIAMOTOTEST", secretAccessKey: "x" };
const BUCKET = "psg-run-flow-logs";
const GROUP = "/psg/run/vpc-flows";
const PROJECT = "psg-host";
const rec = (src: string, dst: string, dport: number, bytes: number, t: number) => `2 123456789010 eni-0a1 ${src} ${dst} 40000 ${dport} 6 10 ${bytes} ${t} ${t + 60} ACCEPT OK`;

let moto: Moto;
let azurite: Azurite;
let logging: LoggingServer;
let api: FakeApi;
let dir: string;
let s3: S3Client;
const T = Math.floor(Date.now() / 1000) - 1800;

beforeAll(async () => {
  [moto, azurite, logging, api] = await Promise.all([startMoto(), startAzurite(), startLoggingServer({ entries: [], deny: (p) => p === "psg-denied" }), startFakeApi()]);
  dir = await mkdtemp(join(tmpdir(), "psg-flow-run-"));
  s3 = new S3Client({ region: "us-east-1", endpoint: moto.url, forcePathStyle: true, credentials: creds });
  moto.python(`import boto3; boto3.client("s3").create_bucket(Bucket="${BUCKET}"); c = boto3.client("logs"); c.create_log_group(logGroupName="${GROUP}"); c.create_log_stream(logGroupName="${GROUP}", logStreamName="eni-0a1-all")`);
}, 120_000);
afterAll(async () => {
  await Promise.all([moto?.close(), azurite?.close(), logging?.close(), api?.close()]);
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({
  PSG_STATE_DIR: dir,
  PSG_SEND_MAX_ATTEMPTS: "1",
  PSG_AWS_MAX_ATTEMPTS: "1",
  PSG_AWS_FLOWLOG_S3: `s3://${BUCKET}/AWSLogs/`,
  PSG_AWS_FLOWLOG_CLOUDWATCH: `${GROUP}@us-east-1`,
  PSG_AZURE_FLOWLOG_CONNECTION_STRING: azurite.connectionString,
  PSG_GCP_FLOWLOG_PROJECTS: `${PROJECT},psg-denied`,
  PSG_GCP_LOGGING_ENDPOINT: logging.url,
});

let state: Awaited<ReturnType<typeof enroll>> | undefined;
async function cycle() {
  state ??= await enroll({ apiUrl: api.url, token: "enroll-token-0123456789", stateDir: dir });
  const deps: RunDeps = {
    config: loadConfig(env()),
    state,
    log: memoryLogger(),
    awsClientConfig: { endpoint: moto.url, credentials: creds },
    flowLogOptions: { gcpAuthClient: new PassThroughClient() },
    sleep: async () => undefined,
  };
  const before = api.received.length;
  const report = await runCycle(deps);
  state = deps.state;
  const edges = api.received.slice(before).flatMap((b) => (b.body.kind === "flows" ? b.body.edges : []));
  return { report, edges };
}
const byPort = (edges: FlowEdge[]) => Object.fromEntries(edges.map((e) => [e.dstPort, { bytes: e.bytes, flows: e.flows }]));

async function addData(round: number) {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `AWSLogs/123456789010/vpcflowlogs/us-east-1/2026/11/23/r${round}.log.gz`, Body: gzipSync(`${rec("10.0.0.1", "10.0.0.2", 443, 100, T)}\n`) }));
  const t = Date.now() - 60_000 + round;
  moto.python(`import boto3; boto3.client("logs").put_log_events(logGroupName="${GROUP}", logStreamName="eni-0a1-all", logEvents=[{"timestamp": ${t}, "message": "${rec("10.0.0.1", "10.0.0.3", 5432, 200, T)}"}])`);
  const c = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient("insights-logs-flowlogflowevent");
  await c.createIfNotExists();
  const doc = JSON.stringify({ records: [{ time: new Date().toISOString(), flowLogVersion: 4, flowRecords: { flows: [{ flowGroups: [{ rule: "r", flowTuples: [`${T * 1000},10.1.0.4,10.1.0.5,40000,1433,6,O,E,NX,1,300,0,0`] }] }] } }] });
  await c.getBlockBlobClient(`flowLogResourceID=/X/y=2026/m=11/d=23/h=${String(round).padStart(2, "0")}/m=00/macAddress=112233445566/PT1H.json`).upload(doc, doc.length);
  const entry: LogEntryJson = {
    insertId: `ins-${round}`,
    logName: `projects/${PROJECT}/logs/compute.googleapis.com%2Fvpc_flows`,
    timestamp: new Date(Date.now() - 30_000).toISOString(),
    jsonPayload: { connection: { src_ip: "10.2.0.4", dest_ip: "10.2.0.5", src_port: 40000, dest_port: 3306, protocol: 6 }, bytes_sent: "400", packets_sent: "4", start_time: new Date(T * 1000).toISOString(), end_time: new Date(T * 1000).toISOString(), reporter: "SRC" },
  };
  logging.add(entry);
}

describe("run cycle with flow logs in the clouds", () => {
  it("sends each cloud's records once across restarts, and reports the denied project as skipped", async () => {
    await addData(1);
    const first = await cycle();
    expect(first.report.counts.flowRecords).toBe(4);
    expect(byPort(first.edges)).toEqual({ 443: { bytes: 100, flows: 1 }, 5432: { bytes: 200, flows: 1 }, 1433: { bytes: 300, flows: 1 }, 3306: { bytes: 400, flows: 1 } });
    expect(first.report.flowSources?.map((c) => [c.provider, c.service, c.status])).toEqual([
      ["aws", "s3:GetObject", "ok"],
      ["aws", "logs:FilterLogEvents", "ok"],
      ["azure", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", "ok"],
      ["gcp", "logging.logEntries.list", "ok"],
      ["gcp", "logging.logEntries.list", "skipped"],
    ]);
    expect(first.report.skipped).toEqual([expect.objectContaining({ account: "psg-denied", status: "skipped", reason: expect.stringMatching(/PERMISSION_DENIED \(HTTP 403\)/) })]);
    const saved = JSON.parse(await readFile(join(dir, "flowlog-sources.json"), "utf8"));
    expect(Object.keys(saved)).toEqual(["s3", "cloudwatch", "azure", "gcp"]);

    // A restart with nothing new sends no flows.
    const second = await cycle();
    expect(second.report.counts.flowRecords).toBe(0);
    expect(second.edges).toEqual([]);

    // New data in every store: only it is sent.
    await addData(2);
    const third = await cycle();
    expect(third.report.counts.flowRecords).toBe(4);
    expect(byPort(third.edges)).toEqual({ 443: { bytes: 100, flows: 1 }, 5432: { bytes: 200, flows: 1 }, 1433: { bytes: 300, flows: 1 }, 3306: { bytes: 400, flows: 1 } });
    expect(third.report.ok).toBe(true);
  });

  it("bad flow-log settings are refused by name", () => {
    expect(() => loadConfig({ PSG_AWS_FLOWLOG_S3: "bucket/prefix" })).toThrow(/PSG_AWS_FLOWLOG_S3: "bucket\/prefix": uri not an S3 location/);
    expect(() => loadConfig({ PSG_AWS_FLOWLOG_CLOUDWATCH: "/vpc/flows" })).toThrow(/PSG_AWS_FLOWLOG_CLOUDWATCH: log group \/vpc\/flows needs a region/);
    expect(() => loadConfig({ PSG_AWS_FLOWLOG_FORMAT: "${srcaddr} ${dstaddr}" })).toThrow(ConfigError);
    expect(() => loadConfig({ PSG_AZURE_FLOWLOG_STORAGE: "http://acct.blob.core.windows.net" })).toThrow(/https blob endpoint/);
    expect(() => loadConfig({ PSG_GCP_FLOWLOG_PROJECTS: "X" })).toThrow(/not a GCP project id/);
    const c = loadConfig({ AWS_REGION: "eu-west-1", PSG_AWS_FLOWLOG_CLOUDWATCH: "/vpc/a,/tgw/b@us-east-2", PSG_FLOWLOG_SINCE_HOURS: "6" });
    expect(c.flowLogCloudWatch).toEqual([{ logGroup: "/vpc/a", region: "eu-west-1" }, { logGroup: "/tgw/b", region: "us-east-2" }]);
    expect([c.flowLogSinceHours, c.flowLogLookbackMinutes]).toEqual([6, 20]);
  });
});
