import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const WRANGLER = join(ROOT, "node_modules", ".bin", "wrangler");

/** wrangler dev must never phone home here: no cf lookup, no metrics. */
function localEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_SEND_METRICS: "false", CI: "true" };
}

/** Local secrets live in .dev.vars (never committed); the operator token is made once. */
export function ensureDevVars(): string {
  const file = join(ROOT, ".dev.vars");
  const existing = existsSync(file) ? readFileSync(file, "utf8") : "";
  let text = existing;
  // The evidence key-wrapping secret (docs/evidence.md), made once like the operator token.
  if (!/^EVIDENCE_KEY_SECRET=.+$/m.test(text)) {
    text = `${text}${text && !text.endsWith("\n") ? "\n" : ""}EVIDENCE_KEY_SECRET=${randomBytes(32).toString("hex")}\n`;
  }
  const match = /^OPERATOR_TOKEN=(.+)$/m.exec(text);
  if (match?.[1]) {
    if (text !== existing) writeFileSync(file, text, { mode: 0o600 });
    return match[1].trim();
  }
  const token = randomBytes(32).toString("hex");
  writeFileSync(file, `${text}${text && !text.endsWith("\n") ? "\n" : ""}OPERATOR_TOKEN=${token}\n`, { mode: 0o600 });
  return token;
}

function run(args: string[], persistTo?: string): Promise<void> {
  const full = persistTo ? [...args, "--persist-to", persistTo] : args;
  return new Promise((resolve, reject) => {
    const child = spawn(WRANGLER, full, { cwd: ROOT, env: localEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`wrangler ${args.join(" ")} exited ${code}:\n${output}`))));
  });
}

export function applyLocalMigrations(persistTo?: string): Promise<void> {
  return run(["d1", "migrations", "apply", "DB", "--local"], persistTo);
}

export interface RunningWorker {
  url: string;
  stop(): void;
  output(): string;
}

/** Starts `wrangler dev` on loopback and resolves once /healthz answers. */
export async function startWranglerDev(port: number, options: { persistTo?: string; vars?: Record<string, string> } = {}): Promise<RunningWorker> {
  const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--show-interactive-dev-session=false", "--log-level", "warn"];
  if (options.persistTo) args.push("--persist-to", options.persistTo);
  for (const [k, v] of Object.entries(options.vars ?? {})) args.push("--var", `${k}:${v}`);
  const child: ChildProcess = spawn(WRANGLER, args, { cwd: ROOT, env: localEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
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
    if (child.exitCode !== null) throw new Error(`wrangler dev exited ${child.exitCode}:\n${output}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, stop, output: () => output };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  stop();
  throw new Error(`wrangler dev did not answer ${url}/healthz within 90 s:\n${output}`);
}
