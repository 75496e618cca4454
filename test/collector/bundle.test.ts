import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { chmod, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { writeFile } from "node:fs/promises";
import { startArmServer } from "../../collector/sample-cloud/arm-server.js";
import { startEc2Server } from "../../collector/sample-cloud/ec2-server.js";
import { startGcpServer } from "../../collector/sample-cloud/gcp-server.js";
import { azureModel, SUB_A, TENANT } from "./fixtures/azure-model.js";
import { gcpModel, HOST } from "./fixtures/gcp-model.js";
import { twoRegionModel } from "./fixtures/aws-model.js";
import { startFakeApi } from "./fixtures/fake-api.js";

const ROOT = resolve(import.meta.dirname, "../..");
const run = (cmd: string, args: string[], env?: Record<string, string>, cwd = ROOT) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((done) =>
    execFile(cmd, args, { cwd, timeout: 120_000, ...(env ? { env: { PATH: process.env.PATH ?? "", ...env } } : {}) }, (err, stdout, stderr) => done({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })),
  );

/** Every file under dir (relative paths). */
async function filesUnder(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

describe("collector bundle", () => {
  it("builds with esbuild into one file that runs on plain node", async () => {
    const built = await run(process.execPath, ["collector/build.mjs"]);
    expect(built.code, built.stderr).toBe(0);
    const bundle = join(ROOT, "dist/collector/cli.mjs");
    expect(existsSync(bundle)).toBe(true);
    const help = await run(process.execPath, [bundle, "--help"]);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/enroll/);
    expect(help.stdout).toMatch(/run/);
    expect(help.stdout).toMatch(/status/);
    // The bundle can load the AWS SDK paths it needs (a CJS require inside ESM works).
    const status = await run(process.execPath, [bundle, "--state-dir", join(ROOT, "dist/collector/.no-state"), "status"]);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/not enrolled/);
  });

  it("the bundle (what the container runs) enrolls, discovers and delivers", async () => {
    const bundle = join(ROOT, "dist/collector/cli.mjs");
    if (!existsSync(bundle)) expect((await run(process.execPath, ["collector/build.mjs"])).code).toBe(0);
    const ec2 = await startEc2Server({ accounts: [twoRegionModel()] });
    const api = await startFakeApi();
    const dir = await mkdtemp(join(tmpdir(), "psg-bundle-"));
    try {
      const res = await run(process.execPath, [bundle, "run", "--once"], {
        PSG_STATE_DIR: dir,
        PSG_API_URL: api.url,
        PSG_ENROLL_TOKEN: "psg_enroll_0123456789abcdef",
        AWS_REGION: "eu-west-1",
        AWS_ENDPOINT_URL: ec2.url,
        AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
        AWS_SECRET_ACCESS_KEY: "secret",
      });
      expect(res.code, res.stderr).toBe(0);
      expect(api.received.map((b) => b.body.kind)).toEqual(["inventory", "heartbeat"]);
    } finally {
      await ec2.close();
      await api.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("the bundle discovers Azure (HTTPS ARM, Entra token) and GCP (Compute REST, metadata-server credentials)", async () => {
    const bundle = join(ROOT, "dist/collector/cli.mjs");
    if (!existsSync(bundle)) expect((await run(process.execPath, ["collector/build.mjs"])).code).toBe(0);
    const arm = await startArmServer({ resources: azureModel() });
    const gcp = await startGcpServer({ resources: gcpModel() });
    const api = await startFakeApi();
    const dir = await mkdtemp(join(tmpdir(), "psg-bundle-"));
    try {
      await writeFile(join(dir, "ca.pem"), arm.ca);
      const host = gcp.url.replace("http://", "");
      const res = await run(process.execPath, [bundle, "run", "--once"], {
        PSG_STATE_DIR: join(dir, "state"),
        PSG_API_URL: api.url,
        PSG_ENROLL_TOKEN: "psg_enroll_0123456789abcdef",
        PSG_AZURE_SUBSCRIPTIONS: SUB_A,
        PSG_AZURE_ARM_ENDPOINT: arm.url,
        PSG_AZURE_AUTHORITY_HOST: arm.url,
        AZURE_TENANT_ID: TENANT,
        AZURE_CLIENT_ID: "collector-app",
        AZURE_CLIENT_SECRET: "collector-secret",
        NODE_EXTRA_CA_CERTS: join(dir, "ca.pem"),
        PSG_GCP_PROJECTS: HOST,
        PSG_GCP_API_ENDPOINT: gcp.url,
        PSG_GCP_SQLADMIN_ENDPOINT: gcp.url,
        PSG_GCP_CONTAINER_ENDPOINT: gcp.url,
        GCE_METADATA_HOST: host,
        GCE_METADATA_IP: host,
      });
      expect(res.code, res.stderr.slice(-3000)).toBe(0);
      const providers = new Set(api.received.flatMap((b) => (b.body.kind === "inventory" ? b.body.resources.map((r) => r.provider) : [])));
      expect(providers).toEqual(new Set(["azure", "gcp"]));
    } finally {
      await Promise.all([arm.close(), gcp.close(), api.close()]);
      await rm(dir, { recursive: true, force: true });
    }
  }, 150_000);

  it("writes nothing outside the state directory (HOME, cwd and TMPDIR read-only, as in a --read-only container)", async () => {
    const bundle = join(ROOT, "dist/collector/cli.mjs");
    if (!existsSync(bundle)) expect((await run(process.execPath, ["collector/build.mjs"])).code).toBe(0);
    const ec2 = await startEc2Server({ accounts: [twoRegionModel()] });
    const arm = await startArmServer({ resources: azureModel() });
    const gcp = await startGcpServer({ resources: gcpModel() });
    const api = await startFakeApi();
    const dir = await mkdtemp(join(tmpdir(), "psg-readonly-"));
    const [home, cwd, tmp, state] = ["home", "cwd", "tmp", "state"].map((d) => join(dir, d)) as [string, string, string, string];
    try {
      for (const d of [home, cwd, tmp, state]) await mkdir(d);
      await writeFile(join(dir, "ca.pem"), arm.ca);
      // Unwritable for a non-root user (the container's); as root the emptiness check below is what proves it.
      for (const d of [home, cwd, tmp]) await chmod(d, 0o555);
      const host = gcp.url.replace("http://", "");
      const res = await run(
        process.execPath,
        [bundle, "run", "--once"],
        {
          HOME: home,
          TMPDIR: tmp,
          PSG_STATE_DIR: state,
          PSG_API_URL: api.url,
          PSG_ENROLL_TOKEN: "psg_enroll_0123456789abcdef",
          PSG_PROVIDERS: "aws,azure,gcp",
          AWS_REGION: "eu-west-1",
          AWS_ENDPOINT_URL: ec2.url,
          AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
          AWS_SECRET_ACCESS_KEY: "secret",
          PSG_AZURE_SUBSCRIPTIONS: SUB_A,
          PSG_AZURE_ARM_ENDPOINT: arm.url,
          PSG_AZURE_AUTHORITY_HOST: arm.url,
          AZURE_TENANT_ID: TENANT,
          AZURE_CLIENT_ID: "collector-app",
          AZURE_CLIENT_SECRET: "collector-secret",
          NODE_EXTRA_CA_CERTS: join(dir, "ca.pem"),
          PSG_GCP_PROJECTS: HOST,
          PSG_GCP_API_ENDPOINT: gcp.url,
          PSG_GCP_SQLADMIN_ENDPOINT: gcp.url,
          PSG_GCP_CONTAINER_ENDPOINT: gcp.url,
          GCE_METADATA_HOST: host,
          GCE_METADATA_IP: host,
        },
        cwd,
      );
      expect(res.code, res.stderr.slice(-3000)).toBe(0);
      expect(new Set(api.received.flatMap((b) => (b.body.kind === "inventory" ? b.body.resources.map((r) => r.provider) : [])))).toEqual(new Set(["aws", "azure", "gcp"]));
      expect(await filesUnder(home)).toEqual([]);
      expect(await filesUnder(cwd)).toEqual([]);
      expect(await filesUnder(tmp)).toEqual([]);
      expect((await filesUnder(state)).length).toBeGreaterThan(0);
    } finally {
      for (const d of [home, cwd, tmp]) await chmod(d, 0o755).catch(() => undefined);
      await Promise.all([ec2.close(), arm.close(), gcp.close(), api.close()]);
      await rm(dir, { recursive: true, force: true });
    }
  }, 150_000);
});
