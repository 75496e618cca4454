import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { EC2ClientConfig } from "@aws-sdk/client-ec2";
import type { Coverage } from "../../contract/index.js";
import { type CollectorConfig, hasRemoteFlowLogs } from "./config.js";
import { flowsBatches, inventoryParts } from "./emit/batcher.js";
import { type DrainResult, type EnqueuedBatch, Outbox } from "./emit/outbox.js";
import { RetryingTransport } from "./emit/retrying-transport.js";
import { Spool } from "./emit/spool.js";
import { HttpTransport, type Transport } from "./emit/transport.js";
import { type Checkpoints, readFlowLogs } from "./flowlogs/files.js";
import { ipToUid } from "./flowlogs/ip-map.js";
import { type RemoteCheckpoints, type RemoteFlowLogOptions, readRemoteFlowLogs } from "./flowlogs/remote.js";
import type { FlowSourceRun } from "./flowlogs/sources.js";
import { FlowSummary } from "./flowlogs/summarize.js";
import type { Logger } from "./log.js";
import { discoverAwsAccounts } from "./providers/aws/accounts.js";
import { discoverAws } from "./providers/aws/index.js";
import type { AzureDiscoveryOptions } from "./providers/azure/index.js";
import type { GcpDiscoveryOptions } from "./providers/gcp/index.js";
import { emptyInventory, type Inventory, mergeInventory } from "./providers/shared.js";
import { type CollectorState, ensureStateDir, readJson, SeqAllocator, secretKeyBytes, writeFileAtomic } from "./state.js";
import { COLLECTOR_VERSION } from "./version.js";

export interface RunDeps {
  config: CollectorConfig;
  state: CollectorState;
  log: Logger;
  fetch?: typeof fetch;
  /** Extra EC2 client settings (tests: endpoint + credentials). Production uses the SDK's defaults. */
  awsClientConfig?: Omit<EC2ClientConfig, "region">;
  /** Extra Azure settings (tests: credential and CA of a local ARM server). */
  azureOptions?: Partial<AzureDiscoveryOptions>;
  /** Extra GCP settings (tests: an auth client for a local Compute server). */
  gcpOptions?: Partial<GcpDiscoveryOptions>;
  /** Extra settings for reading flow logs from the clouds (tests: Azure storage credential/TLS, a GCP auth client). */
  flowLogOptions?: Pick<RemoteFlowLogOptions, "azureCredential" | "azureStorageOptions" | "gcpAuthClient" | "now">;
  /** Replace the HTTP transport (tests). */
  transport?: Transport;
  sleep?: (ms: number) => Promise<void>;
}

/** What one cycle did; also written to last-run.json for `collector status`. */
export interface CycleReport {
  ok: boolean;
  startedAt: string;
  finishedAt: string;
  collectorId: string;
  scanId?: string;
  counts: { resources: number; rules: number; routes: number; edges: number; flowRecords: number };
  batches: EnqueuedBatch[];
  sent: number[];
  lastSeq?: number;
  rejected: DrainResult["rejected"];
  pending: number[];
  /** The API refused the collector itself (clock, revoked, unknown): what it said. */
  halted?: DrainResult["halted"];
  /** Coverage entries that were not ok: what was skipped and why. */
  skipped: Coverage[];
  /** Each flow-log source in the clouds this cycle: read whole (ok), partly, or not at all, and why. */
  flowSources?: Coverage[];
  /** The same sources with what each read this cycle (for `collector status`). */
  flowSourceReads?: FlowSourceRun[];
}

export const LAST_RUN_FILE = "last-run.json";
const CHECKPOINT_FILE = "flowlog-checkpoints.json";
export const SOURCES_CHECKPOINT_FILE = "flowlog-sources.json";

/**
 * One cycle: resend what an earlier run left in the spool, discover, spool the scan,
 * summarize new flow logs, spool the edges, send everything, then a heartbeat.
 * Every batch is on disk before its first send.
 */
export async function runCycle(deps: RunDeps): Promise<CycleReport> {
  const { config, log } = deps;
  const started = new Date();
  await ensureStateDir(config.stateDir);
  const spool = new Spool(config.stateDir);
  await spool.init();
  const seqs = new SeqAllocator(config.stateDir, deps.state);
  const outbox = new Outbox({ collectorId: deps.state.collectorId, seqs, spool, log });
  const transport =
    deps.transport ??
    new RetryingTransport(
      new HttpTransport({
        apiUrl: config.apiUrl ?? deps.state.apiUrl,
        collectorId: deps.state.collectorId,
        secretKey: secretKeyBytes(deps.state),
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      }),
      { maxAttempts: config.sendMaxAttempts, log, ...(deps.sleep ? { sleep: deps.sleep } : {}) },
    );
  const report: CycleReport = {
    ok: false,
    startedAt: started.toISOString(),
    finishedAt: "",
    collectorId: deps.state.collectorId,
    counts: { resources: 0, rules: 0, routes: 0, edges: 0, flowRecords: 0 },
    batches: [],
    sent: [],
    rejected: [],
    pending: [],
    skipped: [],
  };
  const absorb = (d: DrainResult) => {
    report.sent.push(...d.sent.map((s) => s.seq));
    report.rejected.push(...d.rejected);
    report.pending = d.pending;
    if (d.halted) report.halted = d.halted;
  };

  const leftover = await spool.list();
  if (leftover.length > 0) {
    log.info("resending spooled batches from an earlier run", { count: leftover.length, seqs: leftover.map((s) => s.seq) });
    absorb(await outbox.drain(transport));
  }

  let inventory: Inventory | undefined;
  let lastScan: { scanId: string; finishedAt: string; coverage: Coverage[] } | undefined;
  if (config.providers.length > 0) {
    inventory = await discoverAll(deps);
    const scanId = `scan-${started.toISOString().replace(/[:.]/g, "")}-${randomUUID().slice(0, 8)}`;
    report.scanId = scanId;
    report.counts.resources = inventory.resources.length;
    report.counts.rules = inventory.rules.length;
    report.counts.routes = inventory.routes.length;
    report.skipped = inventory.coverage.filter((c) => c.status !== "ok");
    for (const part of inventoryParts(scanId, inventory)) report.batches.push(await outbox.enqueue(part));
    lastScan = { scanId, finishedAt: new Date().toISOString(), coverage: inventory.coverage };
  } else {
    log.warn("no cloud configured (PSG_AWS_REGIONS or AWS_REGION, PSG_AZURE_SUBSCRIPTIONS, PSG_GCP_PROJECTS): skipping discovery");
  }

  if (config.flowLogPaths.length > 0 || hasRemoteFlowLogs(config)) await summarizeFlowLogs(deps, report, outbox, inventory);

  absorb(await outbox.drain(transport));
  const pendingNow = (await spool.list()).length;
  report.batches.push(
    await outbox.enqueue({ kind: "heartbeat", version: COLLECTOR_VERSION, spooled: pendingNow, ...(lastScan ? { lastScan } : {}) }),
  );
  absorb(await outbox.drain(transport));

  report.finishedAt = new Date().toISOString();
  report.lastSeq = seqs.current.nextSeq - 1;
  report.ok = report.rejected.length === 0 && report.pending.length === 0 && !report.halted;
  deps.state = seqs.current;
  await writeFileAtomic(join(config.stateDir, LAST_RUN_FILE), JSON.stringify(report, null, 2));
  log.info("cycle finished", {
    ok: report.ok,
    scanId: report.scanId,
    batches: report.batches.length,
    sent: report.sent.length,
    rejected: report.rejected.length,
    pending: report.pending.length,
    ...report.counts,
  });
  return report;
}

/**
 * Summarizes new flow-log records from files and from the clouds' own stores into one set
 * of edges, spools them, and only then saves where each source got to: a crash before that
 * re-reads the same records, never loses or doubles them.
 */
async function summarizeFlowLogs(deps: RunDeps, report: CycleReport, outbox: Outbox, inventory: Inventory | undefined): Promise<void> {
  const { config, log } = deps;
  const checkpointPath = join(config.stateDir, CHECKPOINT_FILE);
  const sourcesPath = join(config.stateDir, SOURCES_CHECKPOINT_FILE);
  const summary = new FlowSummary();
  try {
    const previous = (await readJson<Checkpoints>(checkpointPath)) ?? {};
    const read = config.flowLogPaths.length > 0 ? await readFlowLogs(config.flowLogPaths, summary, previous, log) : undefined;
    const remote = hasRemoteFlowLogs(config)
      ? await readRemoteFlowLogs({
          config,
          sink: summary,
          previous: (await readJson<RemoteCheckpoints>(sourcesPath)) ?? {},
          log,
          ...(deps.awsClientConfig ? { awsClientConfig: deps.awsClientConfig as RemoteFlowLogOptions["awsClientConfig"] } : {}),
          ...deps.flowLogOptions,
        })
      : undefined;
    const { edges, invalid } = summary.toEdges(inventory ? ipToUid(inventory.resources) : undefined);
    const records = (read?.stats.records ?? 0) + (remote?.reads.reduce((n, r) => n + r.stats.records, 0) ?? 0);
    report.counts.edges = edges.length;
    report.counts.flowRecords = records;
    if (remote) {
      report.flowSources = remote.reads.map((r) => r.coverage);
      report.flowSourceReads = remote.reads.map((r) => ({ kind: r.kind, key: r.key, source: r.source, units: r.units, records: r.stats.records, ...(r.roleArn ? { roleArn: r.roleArn } : {}), coverage: r.coverage }));
      report.skipped.push(...report.flowSources.filter((c) => c.status !== "ok"));
    }
    log.info("flow logs summarized", { files: read?.files ?? 0, sources: remote?.reads.length ?? 0, records, edges: edges.length, invalidAddresses: invalid });
    const names = [...(read?.sources ?? []), ...(remote?.reads.filter((r) => r.units > 0).map((r) => r.source) ?? [])];
    const source = names.length === 1 ? names[0] : names.length > 1 ? `${names.length} sources: ${names.join(", ")}`.slice(0, 1024) : undefined;
    for (const draft of flowsBatches(edges, source)) report.batches.push(await outbox.enqueue(draft));
    // Only now that the edges are on disk is the input marked as read.
    if (read) await writeFileAtomic(checkpointPath, JSON.stringify(read.checkpoints));
    if (remote) await writeFileAtomic(sourcesPath, JSON.stringify(remote.checkpoints));
  } catch (err) {
    log.error("reading flow logs failed", { error: err as Error, paths: config.flowLogPaths });
  }
}

/**
 * Discovers every configured cloud into one scan. The clouds run one after another so that
 * each one's SDK connections and memory are released before the next; a cloud that fails
 * entirely is logged and the others still make the scan (its coverage says what is missing).
 */
async function discoverAll(deps: RunDeps): Promise<Inventory> {
  const { config, log } = deps;
  const inv = emptyInventory();
  if (config.providers.includes("aws") && config.awsRegions.length > 0) {
    const aws = {
      regions: config.awsRegions,
      ...(config.awsAccountId ? { accountId: config.awsAccountId } : {}),
      maxAttempts: config.awsMaxAttempts,
      ...(deps.awsClientConfig ? { clientConfig: deps.awsClientConfig } : {}),
      log,
    };
    // With roles, every account (the collector's own too, if its role is listed) is read through AssumeRole.
    mergeInventory(
      inv,
      config.awsRoleArns.length > 0
        ? await discoverAwsAccounts({ ...aws, roleArns: config.awsRoleArns, ...(config.awsExternalId ? { externalId: config.awsExternalId } : {}) })
        : await discoverAws(aws),
    );
  }
  if (config.providers.includes("azure")) {
    try {
      // Each cloud's SDKs load only when that cloud is configured (they are large).
      const { discoverAzure } = await import("./providers/azure/index.js");
      mergeInventory(
        inv,
        await discoverAzure({
          subscriptions: config.azureSubscriptions,
          ...(config.azureArmEndpoint ? { armEndpoint: config.azureArmEndpoint } : {}),
          ...(config.azureAuthorityHost ? { authorityHost: config.azureAuthorityHost } : {}),
          ...(config.azureTokenScope ? { scope: config.azureTokenScope } : {}),
          log,
          ...deps.azureOptions,
        }),
      );
    } catch (err) {
      log.error("azure discovery failed", { error: err as Error });
      for (const subscription of config.azureSubscriptions) {
        inv.coverage.push({ provider: "azure", account: subscription, region: "global", service: "Microsoft.Resources", kinds: ["other"], status: "skipped", reason: String((err as Error).message).slice(0, 2048) });
      }
    }
  }
  if (config.providers.includes("gcp")) {
    try {
      const { discoverGcp } = await import("./providers/gcp/index.js");
      const endpoints = {
        ...(config.gcpApiEndpoint ? { apiEndpoint: config.gcpApiEndpoint } : {}),
        ...(config.gcpSqlAdminEndpoint ? { sqlAdminEndpoint: config.gcpSqlAdminEndpoint } : {}),
        ...(config.gcpContainerEndpoint ? { containerEndpoint: config.gcpContainerEndpoint } : {}),
      };
      mergeInventory(inv, await discoverGcp({ projects: config.gcpProjects, ...endpoints, log, ...deps.gcpOptions }));
    } catch (err) {
      log.error("gcp discovery failed", { error: err as Error });
      for (const project of config.gcpProjects) {
        inv.coverage.push({ provider: "gcp", account: project, region: "global", service: "compute", kinds: ["other"], status: "skipped", reason: String((err as Error).message).slice(0, 2048) });
      }
    }
  }
  return inv;
}

/** Cycles every interval until the signal aborts; a cycle in progress finishes first. */
export async function runLoop(deps: RunDeps, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      await runCycle(deps);
    } catch (err) {
      deps.log.error("cycle failed", { error: err as Error });
    }
    if (signal.aborted) break;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, deps.config.intervalSeconds * 1000);
      signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
    });
  }
}
