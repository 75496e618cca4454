import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { PassThroughClient } from "google-auth-library";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { InventoryBatch } from "../../contract/index.js";
import { type ArmServer, startArmServer } from "../../collector/sample-cloud/arm-server.js";
import { type Ec2Server, startEc2Server } from "../../collector/sample-cloud/ec2-server.js";
import { type GcpServer, startGcpServer } from "../../collector/sample-cloud/gcp-server.js";
import { loadConfig } from "../../collector/src/config.js";
import { enroll } from "../../collector/src/enroll.js";
import { memoryLogger } from "../../collector/src/log.js";
import { runCycle } from "../../collector/src/run.js";
import { ACCOUNT, twoRegionModel } from "./fixtures/aws-model.js";
import { azureModel, SUB_A, SUB_B, TENANT } from "./fixtures/azure-model.js";
import { type FakeApi, startFakeApi } from "./fixtures/fake-api.js";
import { gcpModel, HOST, SERVICE } from "./fixtures/gcp-model.js";

const ROOT = resolve(import.meta.dirname, "../..");

let dir: string;
let api: FakeApi;
let arm: ArmServer;
let gcp: GcpServer;
let ec2: Ec2Server;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "psg-multi-"));
  api = await startFakeApi();
  arm = await startArmServer({ resources: azureModel(), pageSize: 3, deny: (sub, action) => sub === SUB_B && action === "Microsoft.Sql/servers/read" });
  gcp = await startGcpServer({ resources: gcpModel(), pageSize: 3 });
  ec2 = await startEc2Server({ accounts: [twoRegionModel()] });
});
afterEach(async () => {
  await Promise.all([api.close(), arm.close(), gcp.close(), ec2.close()]);
  await rm(dir, { recursive: true, force: true });
});

function inventoryOf(received: FakeApi["received"]): InventoryBatch[] {
  return received.map((b) => b.body).filter((b): b is InventoryBatch => b.kind === "inventory");
}

describe("a run over AWS, Azure and GCP", () => {
  it("sends one scan holding all three clouds, with each cloud's coverage", async () => {
    const config = loadConfig({
      PSG_STATE_DIR: dir,
      PSG_PROVIDERS: "aws,azure,gcp",
      PSG_AWS_REGIONS: "us-east-1",
      PSG_AZURE_SUBSCRIPTIONS: `${SUB_A},${SUB_B}`,
      PSG_AZURE_ARM_ENDPOINT: arm.url,
      PSG_GCP_PROJECTS: `${HOST},${SERVICE}`,
      PSG_GCP_API_ENDPOINT: gcp.url,
      PSG_GCP_SQLADMIN_ENDPOINT: gcp.url,
      PSG_GCP_CONTAINER_ENDPOINT: gcp.url,
    });
    const state = await enroll({ apiUrl: api.url, token: "enroll-token-0123456789", stateDir: dir });
    const tlsOptions = { ca: arm.ca };
    const report = await runCycle({
      config,
      state,
      log: memoryLogger(),
      sleep: async () => undefined,
      awsClientConfig: { endpoint: ec2.url, credentials: { accessKeyId: ACCOUNT, secretAccessKey: "x" } },
      azureOptions: { credential: new ClientSecretCredential(TENANT, "c", "s", { authorityHost: arm.url, disableInstanceDiscovery: true, tlsOptions }), tlsOptions, maxRetries: 0 },
      gcpOptions: { authClient: new PassThroughClient() },
    });
    expect(report.ok).toBe(true);
    const scans = inventoryOf(api.received);
    const resources = scans.flatMap((s) => s.resources);
    const coverage = scans.flatMap((s) => s.coverage);
    expect(new Set(resources.map((r) => r.provider))).toEqual(new Set(["aws", "azure", "gcp"]));
    expect(new Set(coverage.map((c) => c.provider))).toEqual(new Set(["aws", "azure", "gcp"]));
    expect(report.skipped.map((c) => [c.provider, c.account, c.service, c.status])).toEqual([["azure", SUB_B, "Microsoft.Sql/servers", "skipped"]]);
  });

  it("the CLI takes the Azure ARM endpoint and authority host, and the GCP endpoint, as configuration", async () => {
    const caFile = join(dir, "ca.pem");
    await writeFile(caFile, arm.ca);
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      PSG_STATE_DIR: join(dir, "state"),
      PSG_API_URL: api.url,
      PSG_ENROLL_TOKEN: "psg_enroll_0123456789abcdef",
      PSG_AZURE_SUBSCRIPTIONS: SUB_A,
      PSG_AZURE_ARM_ENDPOINT: arm.url,
      PSG_AZURE_AUTHORITY_HOST: arm.url,
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: "collector-app",
      AZURE_CLIENT_SECRET: "collector-secret",
      NODE_EXTRA_CA_CERTS: caFile,
      PSG_GCP_PROJECTS: HOST,
      PSG_GCP_API_ENDPOINT: gcp.url,
      PSG_GCP_SQLADMIN_ENDPOINT: gcp.url,
      PSG_GCP_CONTAINER_ENDPOINT: `${gcp.url}/`,
      // Application Default Credentials ask the metadata server the local server also plays.
      GCE_METADATA_HOST: gcp.url.replace("http://", ""),
      GCE_METADATA_IP: gcp.url.replace("http://", ""),
    };
    const res = await new Promise<{ code: number; stderr: string }>((done) =>
      execFile(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "collector/src/cli.ts"), "run", "--once"], { cwd: ROOT, env, timeout: 170_000 }, (err, _o, stderr) =>
        done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
      ),
    );
    expect(res.code, res.stderr.slice(-2000)).toBe(0);
    const resources = inventoryOf(api.received).flatMap((s) => s.resources);
    expect(resources.some((r) => r.provider === "azure" && r.account === SUB_A)).toBe(true);
    expect(resources.some((r) => r.provider === "gcp" && r.account === HOST)).toBe(true);
    expect(arm.tokensIssued).toBeGreaterThanOrEqual(1);
    expect(gcp.requests.some((r) => r.path.endsWith("/token"))).toBe(true);
    // Cloud SQL Admin and GKE were asked at their configured endpoints.
    expect(gcp.requests.filter((r) => r.path === `/v1/projects/${HOST}/instances` || r.path === `/v1/projects/${HOST}/locations/-/clusters`).map((r) => r.status)).toEqual([200, 200]);
    const lines = res.stderr.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.some((l) => l.msg === "azure discovery finished")).toBe(true);
    expect(lines.some((l) => l.msg === "gcp discovery finished")).toBe(true);
  }, 180_000);
});
