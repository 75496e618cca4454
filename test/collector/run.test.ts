import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Ec2Server, startEc2Server } from "../../collector/sample-cloud/ec2-server.js";
import { loadConfig } from "../../collector/src/config.js";
import { enroll } from "../../collector/src/enroll.js";
import { memoryLogger } from "../../collector/src/log.js";
import { runCycle, runLoop } from "../../collector/src/run.js";
import { ACCOUNT, twoRegionModel } from "./fixtures/aws-model.js";
import { type FakeApi, startFakeApi } from "./fixtures/fake-api.js";

let dir: string;
let api: FakeApi;
let ec2: Ec2Server;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "psg-run-"));
  api = await startFakeApi();
  ec2 = await startEc2Server({ accounts: [twoRegionModel({ deniedActions: ["DescribeNatGateways"] })] });
});
afterEach(async () => {
  await api.close();
  await ec2.close();
  await rm(dir, { recursive: true, force: true });
});

async function deps() {
  const config = loadConfig({ PSG_STATE_DIR: dir, PSG_AWS_REGIONS: "us-east-1", PSG_SEND_MAX_ATTEMPTS: "2", PSG_AWS_MAX_ATTEMPTS: "1" });
  const state = await enroll({ apiUrl: api.url, token: "enroll-token-0123456789", stateDir: dir });
  return {
    config,
    state,
    log: memoryLogger(),
    awsClientConfig: { endpoint: ec2.url, credentials: { accessKeyId: ACCOUNT, secretAccessKey: "x" } },
    sleep: async () => undefined,
  };
}

describe("run cycle", () => {
  it("an outage keeps the cycle's batches spooled; the next cycle sends them first, then its own, with no seq reused", async () => {
    const d = await deps();
    // Two drains per cycle (after the scan, after the heartbeat), two attempts each: all 503.
    api.respondNext(...Array.from({ length: 4 }, () => ({ status: 503 })));
    const first = await runCycle(d);
    expect(first.ok).toBe(false);
    expect(first.pending).toEqual([1, 2]);
    expect(api.received).toEqual([]);

    const second = await runCycle(d);
    expect(second.ok).toBe(true);
    const seqs = api.received.map((b) => b.seq);
    expect(seqs).toEqual([1, 2, 3, 4]);
    expect(api.received.map((b) => b.body.kind)).toEqual(["inventory", "heartbeat", "inventory", "heartbeat"]);
    // The denied call travels as coverage, not as an empty list.
    const inv = api.received[0]!.body;
    if (inv.kind !== "inventory") throw new Error("expected inventory");
    expect(inv.coverage.find((c) => c.service === "ec2:DescribeNatGateways")).toMatchObject({ status: "skipped", kinds: ["gateway"] });
    expect(second.skipped.map((c) => c.service)).toEqual(["ec2:DescribeNatGateways"]);
  });

  it("the loop stops when asked, after the cycle in progress", async () => {
    const d = await deps();
    const controller = new AbortController();
    const loop = runLoop(d, controller.signal);
    while (!api.received.some((b) => b.body.kind === "heartbeat")) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await loop;
    expect(api.received.map((b) => b.body.kind)).toEqual(["inventory", "heartbeat"]);
  });
});
