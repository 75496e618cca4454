import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./worker.js";

const BIN = join(ROOT, "node_modules", ".bin");
const WEB = join(ROOT, "web");

function localEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true" };
}

/** `svelte-kit sync && vite build` in web/: the adapter writes the worker and its assets. */
export function buildWeb(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(`${join(BIN, "svelte-kit")} sync && ${join(BIN, "vite")} build`, { cwd: WEB, env: localEnv(), shell: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`building the web app failed (${code}):\n${output}`))));
  });
}

export interface RunningWeb {
  url: string;
  stop(): void;
  output(): string;
}

/**
 * Runs the built web worker in its own `wrangler dev`. Its `API` service binding reaches the
 * API worker's `wrangler dev` through wrangler's local dev registry (loopback only), so both
 * keep their own port: the collector and curl talk to the API, the browser to the web app.
 */
export async function startWebDev(port: number, options: { vars?: Record<string, string> } = {}): Promise<RunningWeb> {
  const args = ["dev", "-c", join(WEB, "wrangler.toml"), "--ip", "127.0.0.1", "--port", String(port), "--show-interactive-dev-session=false", "--log-level", "warn"];
  for (const [k, v] of Object.entries(options.vars ?? {})) args.push("--var", `${k}:${v}`);
  const child: ChildProcess = spawn(join(BIN, "wrangler"), args, { cwd: WEB, env: localEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = () => {
    try {
      if (child.pid) process.kill(-child.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev (web) exited ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`); // answers only once the API binding works
      if (res.ok) return { url, stop, output: () => output };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  stop();
  throw new Error(`the web worker did not answer ${url}/healthz within 90 s:\n${output}`);
}
