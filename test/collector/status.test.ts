import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatStatus, type StatusReport } from "../../collector/src/status.js";
import { type FakeApi, startFakeApi } from "./fixtures/fake-api.js";
import { type Moto, startMoto } from "./fixtures/moto.js";

// `collector status` after real `collector run --once` processes that read flow logs from
// S3 and CloudWatch Logs in moto: every source, what it read, where it stands, its coverage.
const ROOT = resolve(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");
const CLI = join(ROOT, "collector/src/cli.ts");
const BUCKET = "psg-status-flow-logs";
const GROUP = "/psg/status/vpc-flows";
const creds = { accessKeyId: "AKIAMOTOTEST", secretAccessKey: "x" };
const T = Math.floor(Date.now() / 1000) - 1800;
const NEWEST = Date.now() - 30_000;
const rec = (dst: string, dport: number) => `2 123456789012 eni-0a1 10.0.0.1 ${dst} 40000 ${dport} 6 10 100 ${T} ${T + 60} ACCEPT OK`;

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(TSX, [CLI, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env }, timeout: 90_000 }, (err, stdout, stderr) =>
      done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let moto: Moto;
let api: FakeApi;
let dir: string;
beforeAll(async () => {
  [moto, api] = await Promise.all([startMoto(), startFakeApi()]);
  dir = await mkdtemp(join(tmpdir(), "psg-status-"));
  moto.python(
    `import boto3; boto3.client("s3").create_bucket(Bucket="${BUCKET}"); c = boto3.client("logs"); c.create_log_group(logGroupName="${GROUP}"); c.create_log_stream(logGroupName="${GROUP}", logStreamName="eni-0a1-all"); c.put_log_events(logGroupName="${GROUP}", logStreamName="eni-0a1-all", logEvents=[{"timestamp": ${Date.now() - 60_000}, "message": "${rec("10.0.0.3", 5432)}"}, {"timestamp": ${NEWEST}, "message": "${rec("10.0.0.4", 6379)}"}])`,
  );
  const s3 = new S3Client({ region: "us-east-1", endpoint: moto.url, forcePathStyle: true, credentials: creds });
  for (const n of [1, 2]) {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: `AWSLogs/123456789012/vpcflowlogs/us-east-1/2026/11/23/r${n}.log.gz`, Body: gzipSync(`${rec("10.0.0.2", 443)}\n`) }));
  }
  s3.destroy();
}, 120_000);
afterAll(async () => {
  await Promise.all([moto?.close(), api?.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe("collector status", () => {
  it("lists each flow-log source with its last read, its position and its coverage", async () => {
    const env = {
      PSG_STATE_DIR: join(dir, "state"),
      PSG_API_URL: api.url,
      PSG_ENROLL_TOKEN: "psg_enroll_0123456789abcdef",
      PSG_SEND_MAX_ATTEMPTS: "1",
      PSG_AWS_MAX_ATTEMPTS: "1",
      PSG_AWS_FLOWLOG_S3: `s3://${BUCKET}/AWSLogs/,s3://psg-no-such-bucket/AWSLogs/`,
      PSG_AWS_FLOWLOG_CLOUDWATCH: `${GROUP}@us-east-1`,
      AWS_ENDPOINT_URL: moto.url,
      AWS_ACCESS_KEY_ID: creds.accessKeyId,
      AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    };
    const run = await cli(["run", "--once"], env);
    expect(run.code, run.stderr).toBe(0);

    const status = await cli(["status"], env);
    expect(status.code, status.stderr).toBe(0);
    const out = status.stdout;
    expect(out).toContain("flow-log sources (3):");
    expect(out).toMatch(new RegExp(`s3 s3://${BUCKET}/AWSLogs/: ok\\n\\s+last run read 2 record\\(s\\) from 2 object\\(s\\); 2 recent object\\(s\\) marked read; everything modified before \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z done`));
    expect(out).toMatch(/s3 s3:\/\/psg-no-such-bucket\/AWSLogs\/: skipped: s3:ListBucket s3:\/\/psg-no-such-bucket\/AWSLogs\/: NoSuchBucket \(HTTP 404\)/);
    expect(out).toMatch(/s3 s3:\/\/psg-no-such-bucket\/AWSLogs\/: skipped: .*\n\s+last run read 0 record\(s\) from 0 object\(s\); 0 recent object\(s\) marked read/);
    const newest = new Date(NEWEST).toISOString().replace(/\./g, "\\.");
    expect(out).toMatch(new RegExp(`cloudwatch:us-east-1:${GROUP} \\(us-east-1\\): ok\\n\\s+last run read 2 record\\(s\\) from 1 stream\\(s\\); newest event read at ${newest}`));

    const json = JSON.parse((await cli(["status", "--json"], env)).stdout);
    expect(json.flowSources.map((f: { kind: string; location: string; lastRead: { coverage: { status: string } } }) => [f.kind, f.location, f.lastRead.coverage.status])).toEqual([
      ["s3", `s3://${BUCKET}/AWSLogs/`, "ok"],
      ["s3", "s3://psg-no-such-bucket/AWSLogs/", "skipped"],
      ["cloudwatch", `cloudwatch:us-east-1:${GROUP}`, "ok"],
    ]);

    // A source dropped from the configuration is still listed from its checkpoint.
    const fewer = { ...env, PSG_AWS_FLOWLOG_S3: `s3://${BUCKET}/AWSLogs/`, PSG_AWS_FLOWLOG_CLOUDWATCH: "" };
    expect((await cli(["run", "--once"], fewer)).code).toBe(0);
    const after = (await cli(["status"], fewer)).stdout;
    expect(after).toContain("flow-log sources (3):");
    expect(after).toMatch(new RegExp(`s3 s3://${BUCKET}/AWSLogs/: ok\\n\\s+last run read 0 record\\(s\\) from 0 object\\(s\\); 2 recent object\\(s\\) marked read`));
    expect(after).toMatch(new RegExp(`cloudwatch us-east-1:${GROUP}: not configured in the last run; newest event read at`));
  }, 240_000);

  it("names the role a source in another account was read through", () => {
    const roleArn = "arn:aws:iam::111122223333:role/psg-log-reader";
    const report: StatusReport = {
      enrolled: true, collectorId: "col_1", tenantId: "ten_1", apiUrl: "https://api.example", nextSeq: 4, spooled: [], rejected: 0,
      lastRun: { ok: true, startedAt: "2026-11-23T10:00:00.000Z", finishedAt: "2026-11-23T10:00:05.000Z", collectorId: "col_1", counts: { resources: 0, rules: 0, routes: 0, edges: 1, flowRecords: 1 }, batches: [], sent: [], rejected: [], pending: [], skipped: [] },
      flowSources: [{
        kind: "s3", location: "s3://archive/AWSLogs/", position: "1 recent object(s) marked read; everything modified before 2026-11-23T09:00:00.000Z done",
        lastRead: { kind: "s3", key: "s3://archive/AWSLogs/", source: "s3://archive/AWSLogs/", units: 1, records: 1, roleArn, coverage: { provider: "aws", account: "archive", region: "", service: "s3:GetObject", kinds: ["other"], status: "ok", count: 1 } },
      }],
    };
    expect(formatStatus(report)).toContain(`s3 s3://archive/AWSLogs/ via ${roleArn}: ok\n      last run read 1 record(s) from 1 object(s); 1 recent object(s) marked read`);
  });
});
