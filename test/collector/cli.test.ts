import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { writeFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Ec2Server, startEc2Server } from "../../collector/sample-cloud/ec2-server.js";
import { type FakeApi, startFakeApi } from "./fixtures/fake-api.js";
import { ACCOUNT, twoRegionModel } from "./fixtures/aws-model.js";

const ROOT = resolve(import.meta.dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");
const CLI = join(ROOT, "collector/src/cli.ts");

/** Runs the CLI as its own process (async: the fake servers live in this one). */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      TSX,
      [CLI, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env }, timeout: 60_000 },
      (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let dir: string;
let api: FakeApi;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "psg-cli-"));
  api = await startFakeApi();
});
afterEach(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

describe("collector CLI", () => {
  it("enroll stores the identity with mode 0600 in a 0700 directory", async () => {
    const state = join(dir, "state");
    const res = await cli(["enroll", "--api", api.url, "--token", "psg_enroll_0123456789abcdef", "--name", "prod-eu"], { PSG_STATE_DIR: state });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/enrolled: collector col_1 for tenant ten_1/);
    expect((await stat(state)).mode & 0o777).toBe(0o700);
    expect((await stat(join(state, "state.json"))).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(join(state, "state.json"), "utf8"));
    expect(saved).toMatchObject({ collectorId: "col_1", tenantId: "ten_1", apiUrl: api.url, nextSeq: 1, name: "prod-eu" });
    expect(saved.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(api.publicKeys.size).toBe(1);
  });

  it("enroll prints the API's error code and message and exits non-zero", async () => {
    api.enrollAnswer = { status: 401, body: { error: { code: "INVALID_ENROLLMENT_TOKEN", message: "token expired or already used", requestId: "req-9" } } };
    const res = await cli(["enroll", "--api", api.url, "--token", "psg_enroll_0123456789abcdef"], { PSG_STATE_DIR: dir });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain("INVALID_ENROLLMENT_TOKEN: token expired or already used");
  });

  describe("with the EC2 server", () => {
    let ec2: Ec2Server;
    beforeEach(async () => {
      ec2 = await startEc2Server({ accounts: [twoRegionModel()], pageSize: 2 });
    });
    afterEach(async () => ec2.close());

    it("run --once enrolls from PSG_ENROLL_TOKEN, discovers through AWS_ENDPOINT_URL, sends everything, and status reports it", async () => {
      const logs = join(dir, "logs");
      await rm(logs, { recursive: true, force: true });
      await import("node:fs/promises").then((fs) => fs.mkdir(logs));
      await writeFile(
        join(logs, "eni.log.gz"),
        gzipSync(
          "2 111122223333 eni-0app 203.0.113.9 10.0.1.10 50123 443 6 10 5000 1700000000 1700000060 ACCEPT OK\n" +
            "2 111122223333 eni-0app 10.0.1.10 10.0.1.20 40000 5432 6 10 5000 1700000000 1700000060 ACCEPT OK\n",
        ),
      );
      const env = {
        PSG_STATE_DIR: join(dir, "state"),
        PSG_API_URL: api.url,
        PSG_ENROLL_TOKEN: "psg_enroll_0123456789abcdef",
        PSG_AWS_REGIONS: "us-east-1,eu-west-1",
        PSG_FLOWLOG_PATHS: logs,
        AWS_ENDPOINT_URL: ec2.url,
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "secret",
      };
      const res = await cli(["run", "--once"], env);
      expect(res.code, res.stderr).toBe(0);
      const kinds = api.received.map((b) => b.body.kind);
      expect(kinds).toEqual(["inventory", "flows", "heartbeat"]);
      const inv = api.received[0]!.body;
      if (inv.kind !== "inventory") throw new Error("expected inventory");
      expect(inv.resources).toHaveLength(17);
      expect(inv.coverage.every((c) => c.status === "ok" && c.account === ACCOUNT)).toBe(true);
      const flows = api.received[1]!.body;
      if (flows.kind !== "flows") throw new Error("expected flows");
      expect(flows.edges.find((e) => e.dstPort === 5432)).toMatchObject({
        srcUid: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0app`,
        dstUid: `arn:aws:ec2:us-east-1:${ACCOUNT}:network-interface/eni-0db`,
      });
      expect(res.stderr.split("\n").filter(Boolean).every((l) => typeof JSON.parse(l).level === "string")).toBe(true);

      const status = await cli(["status"], env);
      expect(status.code).toBe(0);
      expect(status.stdout).toContain("everything acknowledged");
      expect(status.stdout).toContain("resources 17");
      expect(status.stdout).toContain("last seq 3");
      expect(status.stdout).toMatch(/sent: seq 1 inventory \(\d+(\.\d)? kB\), seq 2 flows \([\d.]+ (B|kB)\), seq 3 heartbeat \([\d.]+ (B|kB)\)/);
      expect(status.stdout).toContain("coverage: every call ok");

      // A second run summarizes no flow log twice and continues the numbering.
      const again = await cli(["run", "--once"], env);
      expect(again.code, again.stderr).toBe(0);
      expect(api.received.map((b) => b.body.kind)).toEqual(["inventory", "flows", "heartbeat", "inventory", "heartbeat"]);
      expect(api.received.map((b) => b.seq)).toEqual([1, 2, 3, 4, 5]);
    });

    it("run --once exits non-zero when a batch is refused, and status names it (EC2 through AWS_ENDPOINT_URL_EC2)", async () => {
      const env = {
        PSG_STATE_DIR: join(dir, "state"),
        PSG_API_URL: api.url,
        PSG_ENROLL_TOKEN: "psg_enroll_0123456789abcdef",
        AWS_REGION: "us-east-1",
        AWS_ENDPOINT_URL_EC2: ec2.url,
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "secret",
      };
      api.respondNext({ status: 413, body: { error: { code: "BATCH_TOO_LARGE", message: "body over limit", requestId: "r" } } });
      const res = await cli(["run", "--once"], env);
      expect(res.code).toBe(1);
      expect(res.stderr).toContain("BATCH_TOO_LARGE");
      // The SDK's per-service endpoint variable reached the local server: the collector does not override it.
      expect(ec2.requests.some((r) => r.action === "DescribeVpcs" && r.status === 200)).toBe(true);
      const status = await cli(["status"], env);
      expect(status.stdout).toMatch(/rejected seq 1: BATCH_TOO_LARGE: body over limit/);
    });
  });
});
