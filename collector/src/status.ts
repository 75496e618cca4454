import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { Spool } from "./emit/spool.js";
import { type CycleReport, LAST_RUN_FILE } from "./run.js";
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
}

export async function collectStatus(stateDir: string): Promise<StatusReport> {
  const state = await loadState(stateDir);
  const spool = new Spool(stateDir);
  const spooled = (await spool.list()).map((s) => s.seq);
  const rejected = (await readdir(spool.rejectedDir).catch(() => [] as string[])).filter(
    (n) => n.endsWith(".json") && !n.endsWith(".reason.json"),
  ).length;
  const lastRun = await readJson<CycleReport>(join(stateDir, LAST_RUN_FILE));
  return {
    enrolled: !!state,
    ...(state ? { collectorId: state.collectorId, tenantId: state.tenantId, apiUrl: state.apiUrl, nextSeq: state.nextSeq } : {}),
    spooled,
    rejected,
    ...(lastRun ? { lastRun } : {}),
  };
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
  return lines.join("\n");
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} kB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}
