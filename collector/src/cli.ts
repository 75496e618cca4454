#!/usr/bin/env node
import { Command, Option } from "commander";
import { ConfigError, type ConfigFlags, loadConfig } from "./config.js";
import { enroll, EnrollError } from "./enroll.js";
import { createLogger } from "./log.js";
import { runCycle, runLoop } from "./run.js";
import { loadState } from "./state.js";
import { collectStatus, formatStatus } from "./status.js";
import { COLLECTOR_VERSION } from "./version.js";
import { verifyCommand } from "./verify/command.js";

/** `collector enroll | run | status`: the collector's whole command surface. */
const program = new Command()
  .name("collector")
  .description("PCI Scope Guard collector: discovers cloud resources and flow logs, sends signed summaries")
  .version(COLLECTOR_VERSION)
  .option("--state-dir <dir>", "state directory (PSG_STATE_DIR; default ./.psg, /var/lib/psg in the container)");

function fail(message: string, code = 1): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

function config(extra: ConfigFlags = {}) {
  try {
    return loadConfig(process.env, { ...program.opts<{ stateDir?: string }>(), ...extra });
  } catch (err) {
    if (err instanceof ConfigError) fail(`configuration: ${err.message}`, 2);
    throw err;
  }
}

program
  .command("enroll")
  .description("register this collector with a one-time enrollment token")
  .requiredOption("--api <url>", "API base URL, e.g. https://api.example.com")
  .requiredOption("--token <token>", "one-time enrollment token from the web app")
  .option("--name <name>", "a name for this collector")
  .action(async (opts: { api: string; token: string; name?: string }) => {
    const cfg = config({ api: opts.api });
    try {
      const state = await enroll({ apiUrl: opts.api, token: opts.token, stateDir: cfg.stateDir, ...(opts.name ? { name: opts.name } : {}) });
      process.stdout.write(`enrolled: collector ${state.collectorId} for tenant ${state.tenantId}; state in ${cfg.stateDir}\n`);
    } catch (err) {
      if (err instanceof EnrollError) fail(`enrollment failed: ${err.code}: ${err.message}`);
      throw err;
    }
  });

program
  .command("run")
  .description("discover and send on an interval (or once); enrolls first if PSG_ENROLL_TOKEN is set and not yet enrolled")
  .option("--once", "run one cycle and exit (0 only if every batch was acknowledged)")
  .option("--interval <seconds>", "seconds between cycles (PSG_INTERVAL_SECONDS, default 300)")
  .option("--regions <list>", "comma-separated AWS regions (PSG_AWS_REGIONS, default AWS_REGION)")
  .option("--flow-logs <paths>", "comma-separated flow-log files or directories (PSG_FLOWLOG_PATHS)")
  .option("--api <url>", "API base URL (PSG_API_URL; default: the one enrolled with)")
  .action(async (opts: { once?: boolean; interval?: string; regions?: string; flowLogs?: string; api?: string }) => {
    const cfg = config({
      ...(opts.interval ? { interval: opts.interval } : {}),
      ...(opts.regions ? { regions: opts.regions } : {}),
      ...(opts.flowLogs ? { flowLogs: opts.flowLogs } : {}),
      ...(opts.api ? { api: opts.api } : {}),
    });
    const log = createLogger({ level: cfg.logLevel });
    let state = await loadState(cfg.stateDir);
    if (!state) {
      if (!cfg.enrollToken || !cfg.apiUrl) fail("not enrolled: run `collector enroll --api URL --token TOKEN`, or set PSG_API_URL and PSG_ENROLL_TOKEN");
      try {
        state = await enroll({ apiUrl: cfg.apiUrl, token: cfg.enrollToken, stateDir: cfg.stateDir, ...(cfg.name ? { name: cfg.name } : {}) });
        log.info("enrolled", { collectorId: state.collectorId, tenantId: state.tenantId });
      } catch (err) {
        if (err instanceof EnrollError) fail(`enrollment failed: ${err.code}: ${err.message}`);
        throw err;
      }
    }
    const deps = { config: cfg, state, log };
    if (opts.once) {
      const report = await runCycle(deps);
      process.exit(report.ok ? 0 : 1);
    }
    const controller = new AbortController();
    for (const sig of ["SIGTERM", "SIGINT"] as const) {
      process.once(sig, () => {
        log.info("stopping after the current cycle", { signal: sig });
        controller.abort();
      });
    }
    log.info("collector started", { version: COLLECTOR_VERSION, collectorId: state.collectorId, providers: cfg.providers, regions: cfg.awsRegions, subscriptions: cfg.azureSubscriptions, projects: cfg.gcpProjects, intervalSeconds: cfg.intervalSeconds });
    await runLoop(deps, controller.signal);
  });

program
  .command("status")
  .description("show what was last sent and what was skipped")
  .addOption(new Option("--json", "print the status as JSON"))
  .action(async (opts: { json?: boolean }) => {
    const cfg = config();
    const status = await collectStatus(cfg.stateDir);
    process.stdout.write((opts.json ? JSON.stringify(status, null, 2) : formatStatus(status)) + "\n");
  });

program
  .command("verify <package>")
  .description("verify an assessor package offline: file hashes, ES256 signatures, hash chain")
  .option("--pin <kid...>", "pinned key thumbprint(s) the signatures must use")
  .option("--jwks <file>", "a JWKS obtained out of band (pins every key in it)")
  .option("--json", "print the findings as JSON")
  .action(async (path: string, opts: { pin?: string[]; jwks?: string; json?: boolean }) => process.exit(await verifyCommand(path, opts)));

program.parseAsync(process.argv).catch((err: unknown) => fail((err as Error).stack ?? String(err)));
