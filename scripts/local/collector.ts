import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./worker.js";
import { createEnrollmentToken } from "./tenant.js";

const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const CLI = join(ROOT, "collector", "src", "cli.ts");

export interface CollectorRun {
  api: string;
  apiKey: string;
  ec2Url: string;
  flowDir: string;
  stateDir: string;
  /** Print the collector's JSON log lines as they come (npm start does). */
  echo?: boolean;
}

/** The sample cloud's credentials: any key pair works against the local EC2 API. */
function collectorEnv(run: CollectorRun): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PSG_API_URL: run.api,
    PSG_STATE_DIR: run.stateDir,
    PSG_AWS_REGIONS: "us-east-1,eu-west-1",
    PSG_FLOWLOG_PATHS: run.flowDir,
    AWS_ENDPOINT_URL: run.ec2Url,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "AKIASAMPLENORTHWIND1",
    AWS_SECRET_ACCESS_KEY: "sample-secret-not-a-real-key",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

function cli(args: string[], env: NodeJS.ProcessEnv, echo: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [CLI, ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let pending = "";
    const take = (d: Buffer) => {
      output += d;
      if (!echo) return;
      pending += d.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) process.stdout.write(`    ${line.trim()}\n`);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`collector ${args.join(" ")} exited ${code}:\n${output}`))));
  });
}

/** Enrolls the collector on first use (one-time token from the API), then runs it once. */
export async function runCollector(run: CollectorRun): Promise<void> {
  const env = collectorEnv(run);
  const echo = run.echo ?? true;
  if (!existsSync(join(run.stateDir, "state.json"))) {
    const token = await createEnrollmentToken(run.api, run.apiKey);
    await cli(["enroll", "--api", run.api, "--token", token, "--name", "northwind-aws"], env, echo);
  }
  await cli(["run", "--once"], env, echo);
}
