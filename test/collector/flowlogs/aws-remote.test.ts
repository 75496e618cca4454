import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Coverage } from "../../../contract/index.js";
import { parseLogFormat, TGW_DEFAULT_V6_FIELDS } from "../../../collector/src/flowlogs/aws-vpc.js";
import { EC2Client } from "@aws-sdk/client-ec2";
import { loadConfig } from "../../../collector/src/config.js";
import { flowLogFormatsByGroup } from "../../../collector/src/flowlogs/aws-flow-log-formats.js";
import { readCloudWatchFlowLogs } from "../../../collector/src/flowlogs/cloudwatch.js";
import { readRemoteFlowLogs } from "../../../collector/src/flowlogs/remote.js";
import { readS3FlowLogs } from "../../../collector/src/flowlogs/s3.js";
import { FlowSummary } from "../../../collector/src/flowlogs/summarize.js";
import { type Moto, startMoto } from "../fixtures/moto.js";

// The real S3 and CloudWatch Logs clients against moto; records are the AWS documentation's examples.
const ACCEPT_SSH = "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK";
const REJECT_RDP = "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK";
const SSH_REPLY = "2 123456789010 eni-1235b8ca123456789 172.31.16.21 172.31.16.139 22 20641 6 18 3000 1418530015 1418530080 ACCEPT OK";
const NODATA = "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA";
const HEADER = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";
const TGW = [
  "6 TransitGateway 123456789010 tgw-0a1b2c3d4e5f60718 tgw-attach-0aa11bb22cc33dd44 123456789010 210987654321 vpc-0aaaaaaaaaaaaaaaa vpc-0bbbbbbbbbbbbbbbb",
  "subnet-0aaaaaaaaaaaaaaaa subnet-0bbbbbbbbbbbbbbbb eni-0aaaaaaaaaaaaaaaa eni-0bbbbbbbbbbbbbbbb use1-az1 use1-az2 tgw-attach-0ee55ff66aa77bb88",
  "10.1.0.5 10.2.0.9 49152 5432 6 10 840 1659380000 1659380060 OK IPv4 0 0 0 0 18 us-east-1 egress - -",
].join(" ");
const BUCKET = "northwind-flow-logs";
const PREFIX = "AWSLogs/123456789010/vpcflowlogs/us-east-1/2026/11/23/";
const creds = { accessKeyId: "AKIAMOTOTEST", secretAccessKey: "x" };

let moto: Moto;
let s3: S3Client;
let logs: CloudWatchLogsClient;
let dir: string;
beforeAll(async () => {
  moto = await startMoto();
  s3 = new S3Client({ region: "us-east-1", endpoint: moto.url, forcePathStyle: true, credentials: creds });
  logs = new CloudWatchLogsClient({ region: "us-east-1", endpoint: moto.url, credentials: creds });
  dir = await mkdtemp(join(tmpdir(), "psg-flow-remote-"));
  moto.python(`import boto3; boto3.client("s3").create_bucket(Bucket="${BUCKET}")`);
}, 120_000);
afterAll(async () => {
  await moto?.close();
  await rm(dir, { recursive: true, force: true });
});

const put = (key: string, body: Uint8Array | string) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
const edgeOf = (s: FlowSummary, port: number) => s.toEdges().edges.find((e) => e.dstPort === port);

/** A Parquet file as S3 delivery writes it: the documented column names and types, GZIP pages. */
async function parquetFile(rows: string[]): Promise<Uint8Array> {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  const path = join(dir, `flows-${rows.length}.parquet`);
  const values = rows
    .map((r) => r.split(" "))
    .map((f) => `(${f[0]}, '${f[1]}', '${f[2]}', ${f[3] === "-" ? "NULL" : `'${f[3]}'`}, ${f[4] === "-" ? "NULL" : `'${f[4]}'`}, ${f.slice(5, 12).map((x) => (x === "-" ? "NULL" : x)).join(", ")}, ${f[12] === "-" ? "NULL" : `'${f[12]}'`}, '${f[13]}')`)
    .join(", ");
  const cols: Array<[string, string]> = [["version", "INTEGER"], ["account_id", "VARCHAR"], ["interface_id", "VARCHAR"], ["srcaddr", "VARCHAR"], ["dstaddr", "VARCHAR"], ["srcport", "INTEGER"], ["dstport", "INTEGER"], ["protocol", "INTEGER"], ["packets", "BIGINT"], ["bytes", "BIGINT"], ["start", "BIGINT"], ["end", "BIGINT"], ["action", "VARCHAR"], ["log_status", "VARCHAR"]];
  await con.run(`COPY (SELECT ${cols.map(([c, t]) => `"${c}"::${t} AS "${c}"`).join(", ")}
    FROM (VALUES ${values}) t(${cols.map(([c]) => `"${c}"`).join(", ")}))
    TO '${path}' (FORMAT parquet, COMPRESSION gzip)`);
  con.closeSync();
  return new Uint8Array(await readFile(path));
}

describe("flow logs in S3 (moto)", () => {
  it("reads gzip'd text, Parquet and Transit Gateway objects under the prefix once each, across restarts, and a new object after", async () => {
    await put(`${PREFIX}123456789010_vpcflowlogs_us-east-1_fl-1_20261123T1000Z_a1.log.gz`, gzipSync(`${HEADER}\n${ACCEPT_SSH}\n${REJECT_RDP}\n${NODATA}\n`));
    await put(`${PREFIX}123456789010_vpcflowlogs_us-east-1_fl-1_20261123T1005Z_b2.log.parquet`, await parquetFile([SSH_REPLY, NODATA]));
    await put(`AWSLogs/123456789010/vpcflowlogs/us-east-1/2026/11/23/tgw/123456789010_vpcflowlogs_us-east-1_fl-2_20261123T1000Z_c3.log.gz`, gzipSync(`${TGW_DEFAULT_V6_FIELDS.join(" ")}\n${TGW}\n`));
    await put("other/not-flow-logs.txt", "not read: outside the prefix");
    const uri = `s3://${BUCKET}/AWSLogs/123456789010/vpcflowlogs/`;

    const first = new FlowSummary();
    const r1 = await readS3FlowLogs({ uri, client: s3, sink: first, since: 0 });
    Coverage.parse(r1.coverage);
    expect(r1.coverage).toMatchObject({ status: "ok", count: 3 });
    expect(r1.stats).toMatchObject({ records: 4, skipped: 2, malformed: 0 });
    // The documented SSH request (gzip text) and its reply (Parquet) fold into one edge.
    expect(edgeOf(first, 22)).toMatchObject({ srcIp: "172.31.16.139", dstIp: "172.31.16.21", packets: 38, bytes: 7249, flows: 2, action: "accept" });
    expect(edgeOf(first, 3389)).toMatchObject({ action: "reject", packets: 20, bytes: 4249 });
    expect(edgeOf(first, 5432)).toMatchObject({ srcIp: "10.1.0.5", dstIp: "10.2.0.9", action: "accept", bytes: 840 });

    // A restart with the saved checkpoint reads nothing again…
    const saved = JSON.parse(JSON.stringify(r1.checkpoint));
    const again = new FlowSummary();
    const r2 = await readS3FlowLogs({ uri, client: s3, sink: again, previous: saved, since: 0 });
    expect(r2.stats.records).toBe(0);
    expect(again.size).toBe(0);
    expect(r2.coverage).toMatchObject({ status: "ok", count: 0 });

    // …and a new hour's object only.
    await put(`${PREFIX}123456789010_vpcflowlogs_us-east-1_fl-1_20261123T1100Z_d4.log.gz`, gzipSync(`${HEADER}\n${ACCEPT_SSH}\n`));
    const third = new FlowSummary();
    const r3 = await readS3FlowLogs({ uri, client: s3, sink: third, previous: r2.checkpoint, since: 0 });
    expect(r3.stats.records).toBe(1);
    expect(edgeOf(third, 22)).toMatchObject({ flows: 1, packets: 20 });
    expect(Object.keys(r3.checkpoint.objects)).toHaveLength(4);
  });

  it("the checkpoint forgets objects older than an hour before the last complete listing, without reading them again", async () => {
    const uri = `s3://${BUCKET}/AWSLogs/123456789010/vpcflowlogs/`;
    const now = Date.now();
    const fresh = await readS3FlowLogs({ uri, client: s3, sink: new FlowSummary(), since: 0, now });
    expect(Object.keys(fresh.checkpoint.objects).length).toBeGreaterThan(0);
    // Two hours later every object is older than the floor: dropped from the checkpoint…
    const later = await readS3FlowLogs({ uri, client: s3, sink: new FlowSummary(), previous: fresh.checkpoint, since: 0, now: now + 2 * 3_600_000 });
    expect(later.stats.records).toBe(0);
    expect(later.checkpoint.objects).toEqual({});
    expect(later.checkpoint.floor).toBe(now + 3_600_000);
    // …and still not read again.
    const again = await readS3FlowLogs({ uri, client: s3, sink: new FlowSummary(), previous: JSON.parse(JSON.stringify(later.checkpoint)), since: 0, now: now + 2 * 3_600_000 + 300_000 });
    expect(again.stats.records).toBe(0);
  });

  it("objects older than the first read's start are left alone", async () => {
    const r = await readS3FlowLogs({ uri: `s3://${BUCKET}/AWSLogs/`, client: s3, sink: new FlowSummary(), since: Date.now() + 60_000 });
    expect(r.stats.records).toBe(0);
    expect(r.checkpoint.since).toBeGreaterThan(Date.now());
  });

  it("a bucket that cannot be listed is skipped with the reason, and the checkpoint is kept", async () => {
    const previous = { since: 0, objects: { "AWSLogs/a.log.gz": "\"etag\"" } };
    const r = await readS3FlowLogs({ uri: "s3://no-such-flow-bucket/AWSLogs/", client: s3, sink: new FlowSummary(), previous, since: 0 });
    expect(r.coverage).toMatchObject({ status: "skipped", service: "s3:GetObject", count: 0 });
    expect(r.coverage.reason).toMatch(/s3:ListBucket s3:\/\/no-such-flow-bucket\/AWSLogs\/: NoSuchBucket \(HTTP 404\)/);
    expect(r.checkpoint).toEqual(previous);
  });

  it("a location that is not s3://bucket/prefix is refused by name", async () => {
    await expect(readS3FlowLogs({ uri: "https://bucket/x", client: s3, sink: new FlowSummary(), since: 0 })).rejects.toThrow(/not an S3 location: "https:\/\/bucket\/x"/);
  });
});

describe("flow logs in CloudWatch Logs (moto)", () => {
  const GROUP = "/northwind/vpc-flow-logs";
  const seed = (stream: string, events: Array<[number, string]>) =>
    moto.python(`
import boto3, json
c = boto3.client("logs")
try: c.create_log_group(logGroupName=${JSON.stringify(GROUP)})
except c.exceptions.ResourceAlreadyExistsException: pass
try: c.create_log_stream(logGroupName=${JSON.stringify(GROUP)}, logStreamName=${JSON.stringify(stream)})
except c.exceptions.ResourceAlreadyExistsException: pass
c.put_log_events(logGroupName=${JSON.stringify(GROUP)}, logStreamName=${JSON.stringify(stream)}, logEvents=json.loads(${JSON.stringify(JSON.stringify(events.map(([timestamp, message]) => ({ timestamp, message }))))}))
`);

  it("reads every stream once, a late event inside the window too, across restarts", async () => {
    const t = Date.now() - 30 * 60_000;
    seed("eni-1235b8ca123456789-all", [[t, ACCEPT_SSH], [t + 1000, REJECT_RDP], [t + 2000, NODATA]]);
    seed("eni-0bbbbbbbbbbbbbbbb-all", [[t + 500, SSH_REPLY]]);
    const opts = { logGroup: GROUP, region: "us-east-1", client: logs, since: t - 60_000, lookbackMs: 10 * 60_000 };

    const first = new FlowSummary();
    const r1 = await readCloudWatchFlowLogs({ ...opts, sink: first });
    Coverage.parse(r1.coverage);
    expect(r1.coverage).toMatchObject({ status: "ok", count: 2, service: "logs:FilterLogEvents", region: "us-east-1" });
    expect(r1.stats).toMatchObject({ records: 3, skipped: 1 });
    expect(edgeOf(first, 22)).toMatchObject({ packets: 38, bytes: 7249, flows: 2 });

    const saved = JSON.parse(JSON.stringify(r1.checkpoint));
    const r2 = await readCloudWatchFlowLogs({ ...opts, sink: new FlowSummary(), previous: saved });
    expect(r2.stats.records).toBe(0);

    // An event delivered late (older than the newest seen, inside the look-back) and a new one.
    seed("eni-0bbbbbbbbbbbbbbbb-all", [[t + 1500, SSH_REPLY], [t + 5000, ACCEPT_SSH]]);
    const third = new FlowSummary();
    const r3 = await readCloudWatchFlowLogs({ ...opts, sink: third, previous: r2.checkpoint });
    expect(r3.stats.records).toBe(2);
    expect(edgeOf(third, 22)).toMatchObject({ flows: 2, packets: 38 });
    const r4 = await readCloudWatchFlowLogs({ ...opts, sink: new FlowSummary(), previous: r3.checkpoint });
    expect(r4.stats.records).toBe(0);
  });

  it("Transit Gateway default records and a configured custom format", async () => {
    const t = Date.now() - 20 * 60_000;
    const group = "/northwind/tgw-flow-logs";
    moto.python(`
import boto3
c = boto3.client("logs")
c.create_log_group(logGroupName="${group}")
c.create_log_stream(logGroupName="${group}", logStreamName="tgw-attach-0aa11bb22cc33dd44")
c.put_log_events(logGroupName="${group}", logStreamName="tgw-attach-0aa11bb22cc33dd44", logEvents=[{"timestamp": ${t}, "message": "${TGW}"}])
c.create_log_group(logGroupName="/custom")
c.create_log_stream(logGroupName="/custom", logStreamName="eni-1")
c.put_log_events(logGroupName="/custom", logStreamName="eni-1", logEvents=[{"timestamp": ${t}, "message": "eni-1 10.0.0.5 10.0.1.7 41000 443 6 ACCEPT 4 400 ${Math.floor(t / 1000)} ${Math.floor(t / 1000) + 60}"}])
`);
    const tgw = new FlowSummary();
    await readCloudWatchFlowLogs({ logGroup: group, region: "us-east-1", client: logs, sink: tgw, since: t - 1000, lookbackMs: 60_000 });
    expect(edgeOf(tgw, 5432)).toMatchObject({ srcIp: "10.1.0.5", dstIp: "10.2.0.9", action: "accept", packets: 10, bytes: 840 });
    const custom = new FlowSummary();
    const fields = parseLogFormat("${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action} ${packets} ${bytes} ${start} ${end}");
    const r = await readCloudWatchFlowLogs({ logGroup: "/custom", region: "us-east-1", client: logs, sink: custom, since: t - 1000, lookbackMs: 60_000, fields });
    expect(r.stats).toMatchObject({ records: 1, malformed: 0 });
    expect(edgeOf(custom, 443)).toMatchObject({ srcIp: "10.0.0.5", dstIp: "10.0.1.7", packets: 4, bytes: 400 });
  });
});

describe("a CloudWatch group's custom format, learnt from its flow log (moto)", () => {
  it("DescribeFlowLogs names the format; a group fed two formats is read by what its records look like", async () => {
    const t = Date.now() - 10 * 60_000;
    const custom = "${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action} ${packets} ${bytes} ${start} ${end}";
    moto.python(`
import boto3
ec2 = boto3.client("ec2"); logs = boto3.client("logs")
vpc1 = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
vpc2 = ec2.create_vpc(CidrBlock="10.51.0.0/16")["Vpc"]["VpcId"]
for g in ["/learnt", "/mixed"]:
    logs.create_log_group(logGroupName=g)
    logs.create_log_stream(logGroupName=g, logStreamName="eni-9")
role = "arn:aws:iam::123456789012:role/flow-logs"
ec2.create_flow_logs(ResourceIds=[vpc1], ResourceType="VPC", TrafficType="ALL", LogDestinationType="cloud-watch-logs", LogGroupName="/learnt", DeliverLogsPermissionArn=role, LogFormat="${custom}")
ec2.create_flow_logs(ResourceIds=[vpc1], ResourceType="VPC", TrafficType="ALL", LogDestinationType="cloud-watch-logs", LogGroupName="/mixed", DeliverLogsPermissionArn=role, LogFormat="${custom}")
ec2.create_flow_logs(ResourceIds=[vpc2], ResourceType="VPC", TrafficType="ALL", LogDestinationType="cloud-watch-logs", LogGroupName="/mixed", DeliverLogsPermissionArn=role)
logs.put_log_events(logGroupName="/learnt", logStreamName="eni-9", logEvents=[{"timestamp": ${t}, "message": "eni-9 10.50.0.5 10.50.1.7 41000 8443 6 ACCEPT 4 400 ${Math.floor(t / 1000)} ${Math.floor(t / 1000) + 60}"}])
logs.put_log_events(logGroupName="/mixed", logStreamName="eni-9", logEvents=[{"timestamp": ${t}, "message": "${ACCEPT_SSH}"}])
`);
    const formats = await flowLogFormatsByGroup(new EC2Client({ region: "us-east-1", endpoint: moto.url, credentials: creds }), ["/learnt", "/mixed"]);
    expect(formats.get("/learnt")).toEqual(parseLogFormat(custom));
    expect(formats.get("/mixed")).toBe("mixed");

    // Through the collector's wiring: no PSG_AWS_FLOWLOG_FORMAT, each group read right.
    const config = loadConfig({ PSG_AWS_FLOWLOG_CLOUDWATCH: "/learnt@us-east-1,/mixed@us-east-1", PSG_FLOWLOG_SINCE_HOURS: "1" });
    const sink = new FlowSummary();
    const { reads } = await readRemoteFlowLogs({ config, sink, previous: {}, awsClientConfig: { endpoint: moto.url, credentials: creds } });
    expect(reads.map((r) => [r.source, r.stats.records, r.stats.malformed])).toEqual([["cloudwatch:us-east-1:/learnt", 1, 0], ["cloudwatch:us-east-1:/mixed", 1, 0]]);
    expect(edgeOf(sink, 8443)).toMatchObject({ srcIp: "10.50.0.5", dstIp: "10.50.1.7", packets: 4, bytes: 400 });
    expect(edgeOf(sink, 22)).toMatchObject({ srcIp: "172.31.16.139", bytes: 4249 });
  });
});

describe("denied calls", () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // AWS's own error bodies: S3's XML AccessDenied, CloudWatch Logs' JSON AccessDeniedException.
    server = createServer((req, res) => {
      if (req.headers["x-amz-target"]) {
        res.writeHead(400, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "r1" });
        return res.end(JSON.stringify({ __type: "AccessDeniedException", message: "User: arn:aws:sts::123456789010:assumed-role/psg/c is not authorized to perform: logs:FilterLogEvents" }));
      }
      res.writeHead(403, { "content-type": "application/xml", "x-amz-request-id": "r2" });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>r2</RequestId></Error>');
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("a denied S3 listing and a denied log group are skipped with AWS's reason, not read as no flows", async () => {
    const deniedS3 = new S3Client({ region: "us-east-1", endpoint: url, forcePathStyle: true, credentials: creds, maxAttempts: 1 });
    const s = await readS3FlowLogs({ uri: `s3://${BUCKET}/AWSLogs/`, client: deniedS3, sink: new FlowSummary(), since: 0 });
    expect(s.coverage).toMatchObject({ status: "skipped", count: 0 });
    expect(s.coverage.reason).toMatch(/AccessDenied \(HTTP 403\): Access Denied/);
    const deniedLogs = new CloudWatchLogsClient({ region: "us-east-1", endpoint: url, credentials: creds, maxAttempts: 1 });
    const c = await readCloudWatchFlowLogs({ logGroup: "/g", region: "us-east-1", client: deniedLogs, sink: new FlowSummary(), since: 0, lookbackMs: 1 });
    expect(c.coverage).toMatchObject({ status: "skipped", count: 0 });
    expect(c.coverage.reason).toMatch(/AccessDeniedException \(HTTP 400\): .*not authorized to perform: logs:FilterLogEvents/);
  });
});
