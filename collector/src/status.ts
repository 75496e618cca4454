import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { Spool } from "./emit/spool.js";
import type { RemoteCheckpoints } from "./flowlogs/remote.js";
import type { FlowSourceRun, RemoteSourceKind } from "./flowlogs/sources.js";
import { type CycleReport, LAST_RUN_FILE, SOURCES_CHECKPOINT_FILE } from "./run.js";
import { loadState, readJson } from "./state.js";

export interface StatusReport {
  enrolled: boolean;
  collectorId?: string;
  tenantId?: string;
  apiUrl?: string;
  nextSeq?: number;
  spooled: number[];
  rejected: number;
  lastRun?: CycleReport;
  /** Each remote flow-log source: what the last run read of it and where its checkpoint stands. */
  flowSources: FlowSourceStatus[];
}

export interface FlowSourceStatus {
  kind: RemoteSourceKind;
  location: string;
  /** This source in the last run (absent: it has a checkpoint but was not configured then). */
  lastRead?: FlowSourceRun;
  /** Where reading got to, in words (from flowlog-sources.json). */
  position: string;
}

export async function collectStatus(stateDir: string): Promise<StatusReport> {
  const state = await loadState(stateDir);
  const spool = new Spool(stateDir);
  const spooled = (await spool.list()).map((s) => s.seq);
  const rejected = (await readdir(spool.rejectedDir).catch(() => [] as string[])).filter(
    (n) => n.endsWith(".json") && !n.endsWith(".reason.json"),
  ).length;
  const lastRun = await readJson<CycleReport>(join(stateDir, LAST_RUN_FILE));
  const checkpoints = (await readJson<RemoteCheckpoints>(join(stateDir, SOURCES_CHECKPOINT_FILE))) ?? {};
  return {
    enrolled: !!state,
    ...(state ? { collectorId: state.collectorId, tenantId: state.tenantId, apiUrl: state.apiUrl, nextSeq: state.nextSeq } : {}),
    spooled,
    rejected,
    ...(lastRun ? { lastRun } : {}),
    flowSources: flowSourceStatus(lastRun?.flowSourceReads ?? [], checkpoints),
  };
}

const KINDS: RemoteSourceKind[] = ["s3", "cloudwatch", "azure", "gcp"];

/** The last run's sources in its order, then any source only the checkpoints still know. */
function flowSourceStatus(reads: FlowSourceRun[], cp: RemoteCheckpoints): FlowSourceStatus[] {
  const out: FlowSourceStatus[] = reads.map((r) => ({ kind: r.kind, location: r.source, lastRead: r, position: position(r.kind, cp[r.kind]?.[r.key]) }));
  const seen = new Set(reads.map((r) => `${r.kind}\u0000${r.key}`));
  for (const kind of KINDS) {
    for (const [key, c] of Object.entries(cp[kind] ?? {})) {
      if (!seen.has(`${kind}\u0000${key}`)) out.push({ kind, location: key, position: position(kind, c) });
    }
  }
  return out;
}

function position(kind: RemoteSourceKind, c: unknown): string {
  if (!c) return "never read";
  const iso = (ms: number | undefined) => (ms === undefined ? "-" : new Date(ms).toISOString());
  switch (kind) {
    case "s3": {
      const s = c as NonNullable<RemoteCheckpoints["s3"]>[string];
      return `${Object.keys(s.objects ?? {}).length} recent object(s) marked read; everything modified before ${iso(s.floor ?? s.since)} done`;
    }
    case "azure": {
      const a = c as NonNullable<RemoteCheckpoints["azure"]>[string];
      const blobs = Object.values(a.blobs ?? {});
      return `${blobs.length} recent blob(s) tracked (${blobs.reduce((n, b) => n + b.records, 0)} record(s) in them); everything modified before ${iso(a.floor ?? a.since)} done`;
    }
    case "cloudwatch":
    case "gcp": {
      const w = c as NonNullable<RemoteCheckpoints["cloudwatch"]>[string];
      const what = kind === "gcp" ? "entry" : "event";
      return w.window && Object.keys(w.window.ids).length > 0 ? `newest ${what} read at ${iso(w.window.maxTs)}` : `no ${what} read yet (reading from ${iso(w.window?.maxTs ?? w.since)})`;
    }
  }
}

const UNITS: Record<RemoteSourceKind, string> = { s3: "object(s)", cloudwatch: "stream(s)", azure: "blob(s)", gcp: "page(s)" };

function formatFlowSource(f: FlowSourceStatus): string {
  const r = f.lastRead;
  if (!r) return `    ${f.kind} ${f.location}: not configured in the last run; ${f.position}`;
  const c = r.coverage;
  const coverage = c.status === "ok" ? "ok" : `${c.status}: ${c.reason ?? ""}`;
  return `    ${f.kind} ${f.location}${c.region ? ` (${c.region})` : ""}${r.roleArn ? ` via ${r.roleArn}` : ""}: ${coverage}\n      last run read ${r.records} record(s) from ${r.units} ${UNITS[f.kind]}; ${f.position}`;
}

export function formatStatus(s: StatusReport): string {
  const lines: string[] = [];
  if (!s.enrolled) return "not enrolled: run `collector enroll --api URL --token TOKEN` (or set PSG_ENROLL_TOKEN for `run`)";
  lines.push(`collector ${s.collectorId} (tenant ${s.tenantId}) → ${s.apiUrl}`);
  lines.push(`next seq ${s.nextSeq}; ${s.spooled.length} batch(es) waiting in the spool; ${s.rejected} rejected batch(es) kept for inspection`);
  const r = s.lastRun;
  if (!r) {
    lines.push("no run yet");
    return lines.join("\n");
  }
  lines.push(`last run ${r.startedAt} → ${r.finishedAt}: ${r.ok ? "everything acknowledged" : "NOT everything acknowledged"}`);
  lines.push(`  scan ${r.scanId ?? "(none)"}; last seq ${r.lastSeq ?? "-"}; ${r.sent.length} batch(es) acknowledged`);
  lines.push(`  resources ${r.counts.resources}, rules ${r.counts.rules}, routes ${r.counts.routes}, flow edges ${r.counts.edges} (from ${r.counts.flowRecords} records)`);
  // What was sent, batch by batch (older spooled batches resent this run have no size here).
  const made = new Map((r.batches ?? []).map((b) => [b.seq, b]));
  if (r.sent.length > 0) lines.push(`  sent: ${r.sent.map((seq) => { const b = made.get(seq); return b ? `seq ${seq} ${b.kind} (${formatBytes(b.bytes)})` : `seq ${seq} (resent from the spool)`; }).join(", ")}`);
  for (const x of r.rejected) lines.push(`  rejected seq ${x.seq}: ${x.code}: ${x.message} (kept at ${x.keptAt})`);
  if (r.halted) lines.push(`  the API refused this collector: ${r.halted.code}: ${r.halted.message}`);
  if (r.pending.length > 0) lines.push(`  still spooled: seq ${r.pending.join(", ")}`);
  if (r.skipped.length === 0) lines.push("  coverage: every call ok");
  for (const c of r.skipped) lines.push(`  ${c.status}: ${c.account}/${c.region} ${c.service}: ${c.reason ?? ""}`);
  if (s.flowSources.length > 0) {
    lines.push(`  flow-log sources (${s.flowSources.length}):`);
    for (const f of s.flowSources) lines.push(formatFlowSource(f));
  }
  return lines.join("\n");
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} kB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}
