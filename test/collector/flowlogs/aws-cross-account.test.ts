import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../collector/src/config.js";
import { readRemoteFlowLogs } from "../../../collector/src/flowlogs/remote.js";
import { FlowSummary } from "../../../collector/src/flowlogs/summarize.js";
import { type Moto, startMoto } from "../fixtures/moto.js";
import { type RecordedRequest, type RecordingProxy, startRecordingProxy } from "../fixtures/recording-proxy.js";

// A log-archive account (B = 111122223333) holds the flow logs; the collector runs in A
// (moto's default 123456789012) and reads B's bucket and log group through roles. moto keeps
// each account's state apart, keyed by the access key of the assumed credentials, so B's log
// group and flow logs exist only for B's credentials. A recording proxy in front of moto shows
// which credentials signed each S3 call (moto lets any account read a bucket by name).
const creds = { accessKeyId: "AKIAMOTOTEST", secretAccessKey: "x" };
const B = "111122223333";
const DISCOVERY_ROLE = `arn:aws:iam::${B}:role/psg-collector`;
const READER_ROLE = `arn:aws:iam::${B}:role/psg-log-reader`;
const EXTERNAL_ID = "psg-ext-0123456789";
const BUCKET = "acme-log-archive";
const GROUP = "/archive/vpc-flows";
const CUSTOM = "${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${action} ${packets} ${bytes} ${start} ${end}";
const T = Math.floor(Date.now() / 1000) - 1800;

let moto: Moto;
let proxy: RecordingProxy;
let proxyUrl: string;
/** Access key id → the role STS issued it for (from the AssumeRole requests and answers). */
const issued = new Map<string, { roleArn: string; externalId: string }>();

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startRecordingProxy(moto.url, (req, answer) => {
    const params = new URLSearchParams(req.body);
    if (params.get("Action") !== "AssumeRole") return;
    const key = /<AccessKeyId>([^<]+)<\/AccessKeyId>/.exec(answer)?.[1];
    if (key) issued.set(key, { roleArn: params.get("RoleArn") ?? "", externalId: params.get("ExternalId") ?? "" });
  });
  proxyUrl = proxy.url;
  // Seeded in B with B's own (assumed) credentials, through the real AWS APIs.
  moto.python(`
import boto3
c = boto3.client("sts").assume_role(RoleArn="arn:aws:iam::${B}:role/seed", RoleSessionName="seed")["Credentials"]
k = dict(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
assert boto3.client("sts", **k).get_caller_identity()["Account"] == "${B}"
import gzip
s3 = boto3.client("s3", **k)
s3.create_bucket(Bucket="${BUCKET}")
s3.put_object(Bucket="${BUCKET}", Key="AWSLogs/${B}/vpcflowlogs/us-east-1/2026/11/23/a.log.gz", Body=gzip.compress(b"2 ${B} eni-0b1 10.9.0.1 10.9.0.2 40000 443 6 10 100 ${T} ${T + 60} ACCEPT OK\\n"))
ec2 = boto3.client("ec2", **k); logs = boto3.client("logs", **k)
vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
logs.create_log_group(logGroupName="${GROUP}")
logs.create_log_stream(logGroupName="${GROUP}", logStreamName="eni-0b1")
ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="cloud-watch-logs", LogGroupName="${GROUP}", DeliverLogsPermissionArn="arn:aws:iam::${B}:role/flow-logs", LogFormat="${CUSTOM}")
logs.put_log_events(logGroupName="${GROUP}", logStreamName="eni-0b1", logEvents=[{"timestamp": ${Date.now() - 60_000}, "message": "eni-0b1 10.9.0.5 10.9.1.7 41000 5432 6 ACCEPT 4 400 ${T} ${T + 60}"}])
`);
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  await moto?.close();
});

const edge = (s: FlowSummary, port: number) => s.toEdges().edges.find((e) => e.dstPort === port);

describe("flow logs in another account, read through roles (moto)", () => {
  it("a bucket through the role its location names, a log group and its format through the configured role of the account it names", async () => {
    const config = loadConfig({
      PSG_AWS_REGIONS: "us-east-1",
      PSG_AWS_ROLE_ARNS: DISCOVERY_ROLE,
      PSG_AWS_EXTERNAL_ID: EXTERNAL_ID,
      PSG_AWS_FLOWLOG_S3: `s3://${BUCKET}/AWSLogs/#role=${READER_ROLE}`,
      PSG_AWS_FLOWLOG_CLOUDWATCH: `${GROUP}@${B}/us-east-1`,
      PSG_FLOWLOG_SINCE_HOURS: "2",
      PSG_AWS_MAX_ATTEMPTS: "1",
    });
    expect(config.flowLogS3).toEqual([{ uri: `s3://${BUCKET}/AWSLogs/`, roleArn: READER_ROLE }]);
    expect(config.flowLogCloudWatch).toEqual([{ logGroup: GROUP, region: "us-east-1", account: B, roleArn: DISCOVERY_ROLE }]);
    const seen = proxy.seen;
    seen.length = 0;
    const sink = new FlowSummary();
    const { reads } = await readRemoteFlowLogs({ config, sink, previous: {}, awsClientConfig: { endpoint: proxyUrl, credentials: creds } });
    expect(reads.map((r) => [r.source, r.roleArn, r.coverage.status, r.stats.records, r.stats.malformed])).toEqual([
      [`s3://${BUCKET}/AWSLogs/`, READER_ROLE, "ok", 1, 0],
      [`cloudwatch:us-east-1:${GROUP}`, DISCOVERY_ROLE, "ok", 1, 0],
    ]);
    expect(edge(sink, 443)).toMatchObject({ srcIp: "10.9.0.1", dstIp: "10.9.0.2", bytes: 100 });
    // The custom format came from B's DescribeFlowLogs: read as default v2 it would be malformed.
    expect(edge(sink, 5432)).toMatchObject({ srcIp: "10.9.0.5", dstIp: "10.9.1.7", packets: 4, bytes: 400 });

    // Each role was assumed once, with the external id, by the collector's own credentials.
    const assumed = seen.filter((s) => s.service === "sts");
    expect(assumed.map((s) => [s.accessKeyId, new URLSearchParams(s.body).get("RoleArn")]).sort()).toEqual([[creds.accessKeyId, DISCOVERY_ROLE], [creds.accessKeyId, READER_ROLE]]);
    expect([...issued.values()].every((i) => i.externalId === EXTERNAL_ID)).toBe(true);
    // Every S3, Logs and EC2 call was signed with the credentials issued for its role, none with A's own.
    const roleOf = (s: RecordedRequest) => issued.get(s.accessKeyId)?.roleArn;
    const byService = (service: string) => [...new Set(seen.filter((s) => s.service === service).map(roleOf))];
    expect(byService("s3")).toEqual([READER_ROLE]);
    expect(byService("logs")).toEqual([DISCOVERY_ROLE]);
    expect(byService("ec2")).toEqual([DISCOVERY_ROLE]);
    expect(seen.filter((s) => s.service === "s3").map((s) => s.method)).toEqual(["GET", "GET"]);
  });

  it("without the role, the collector's own account has no such group: skipped with AWS's reason", async () => {
    const config = loadConfig({ PSG_AWS_REGIONS: "us-east-1", PSG_AWS_FLOWLOG_CLOUDWATCH: `${GROUP}@us-east-1`, PSG_AWS_MAX_ATTEMPTS: "1" });
    const { reads } = await readRemoteFlowLogs({ config, sink: new FlowSummary(), previous: {}, awsClientConfig: { endpoint: moto.url, credentials: creds } });
    expect(reads[0]!.coverage).toMatchObject({ status: "skipped", count: 0 });
    expect(reads[0]!.coverage.reason).toMatch(/ResourceNotFoundException \(HTTP 400\)/);
  });

  it("a role that cannot be assumed leaves its source skipped with STS's reason naming the role", async () => {
    // STS answers AccessDenied (as AWS does for a trust policy that does not admit the collector).
    const sts = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(403, { "content-type": "text/xml" });
        res.end(`<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/c is not authorized to perform: sts:AssumeRole on resource: ${READER_ROLE}</Message></Error><RequestId>r</RequestId></ErrorResponse>`);
      });
    });
    await new Promise<void>((r) => sts.listen(0, "127.0.0.1", r));
    try {
      const config = loadConfig({ PSG_AWS_REGIONS: "us-east-1", PSG_AWS_FLOWLOG_S3: `s3://${BUCKET}/AWSLogs/#role=${READER_ROLE}`, PSG_AWS_MAX_ATTEMPTS: "1" });
      const url = `http://127.0.0.1:${(sts.address() as AddressInfo).port}`;
      const { reads, checkpoints } = await readRemoteFlowLogs({ config, sink: new FlowSummary(), previous: { s3: { [`s3://${BUCKET}/AWSLogs/`]: { since: 5, objects: { k: "e" } } } }, awsClientConfig: { endpoint: url, credentials: creds } });
      expect(reads[0]!.coverage).toMatchObject({ status: "skipped", count: 0 });
      expect(reads[0]!.coverage.reason).toMatch(new RegExp(`s3:ListBucket s3://${BUCKET}/AWSLogs/: AccessDenied \\(HTTP 403\\): sts:AssumeRole ${READER_ROLE}: User: .* is not authorized to perform: sts:AssumeRole`));
      expect(checkpoints.s3![`s3://${BUCKET}/AWSLogs/`]).toEqual({ since: 5, objects: { k: "e" } });
    } finally {
      await new Promise<void>((r) => sts.close(() => r()));
    }
  });

  it("bad role syntax is refused naming the value", () => {
    expect(() => loadConfig({ PSG_AWS_FLOWLOG_S3: `s3://${BUCKET}/x#role=arn:aws:iam::1234:role/r` })).toThrow(`PSG_AWS_FLOWLOG_S3: "s3://${BUCKET}/x#role=arn:aws:iam::1234:role/r": roleArn not an IAM role ARN`);
    expect(() => loadConfig({ PSG_AWS_FLOWLOG_S3: `s3://${BUCKET}/x#rol=${READER_ROLE}` })).toThrow(/PSG_AWS_FLOWLOG_S3: ".*#rol=.*": unknown option #rol= \(only #role=ARN\)/);
    expect(() => loadConfig({ PSG_AWS_FLOWLOG_CLOUDWATCH: `${GROUP}@${B}/us-east-1` })).toThrow(`PSG_AWS_FLOWLOG_CLOUDWATCH: "${GROUP}@${B}/us-east-1": account ${B} has no role in PSG_AWS_ROLE_ARNS (add one, or name it with #role=ARN)`);
    expect(() => loadConfig({ PSG_AWS_FLOWLOG_CLOUDWATCH: `${GROUP}@12345/us-east-1` })).toThrow(/PSG_AWS_FLOWLOG_CLOUDWATCH: ".*@12345\/us-east-1": account not a 12-digit AWS account id/);
    expect(() => loadConfig({ PSG_AWS_FLOWLOG_CLOUDWATCH: `${GROUP}@us-east-1#role=role/x` })).toThrow(/PSG_AWS_FLOWLOG_CLOUDWATCH: ".*#role=role\/x": roleArn not an IAM role ARN/);
    // The collector's own account needs no role; an explicit role wins over the account's.
    expect(loadConfig({ PSG_AWS_ACCOUNT_ID: B, PSG_AWS_FLOWLOG_CLOUDWATCH: `${GROUP}@${B}/us-east-1` }).flowLogCloudWatch).toEqual([{ logGroup: GROUP, region: "us-east-1", account: B }]);
    expect(loadConfig({ PSG_AWS_ROLE_ARNS: DISCOVERY_ROLE, PSG_AWS_FLOWLOG_CLOUDWATCH: `${GROUP}@${B}/us-east-1#role=${READER_ROLE}` }).flowLogCloudWatch[0]!.roleArn).toBe(READER_ROLE);
  });
});
