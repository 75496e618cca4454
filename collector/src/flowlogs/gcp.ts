import type { FlowSink, ParseStats } from "./aws-vpc.js";
import { addFlow } from "./tuples.js";

/**
 * GCP VPC flow logs as Cloud Logging entries (`logName .../logs/compute.googleapis.com%2Fvpc_flows`),
 * one JSON LogEntry per line as a Logging sink exports them (or as entries.list returns them):
 * `jsonPayload.connection` {src_ip, dest_ip, src_port, dest_port, protocol}, `bytes_sent`,
 * `packets_sent` (int64 as strings), `start_time`/`end_time` (RFC 3339), `reporter` SRC|DEST.
 *
 * A flow between two VMs whose subnets both log is reported twice, once by each side: the
 * DEST report is counted only when the source is not a VM of the logged projects
 * (`src_instance` absent), so traffic is not doubled. VPC flow logs record only allowed
 * connections (denied ones are in firewall rules logging): every edge is an accept.
 */
interface GcpConnection {
  src_ip?: string;
  dest_ip?: string;
  src_port?: number | string;
  dest_port?: number | string;
  protocol?: number | string;
}
interface GcpFlowPayload {
  connection?: GcpConnection;
  bytes_sent?: string | number;
  packets_sent?: string | number;
  start_time?: string;
  end_time?: string;
  reporter?: string;
  src_instance?: unknown;
}

function int(x: string | number | undefined, fallback = 0): number {
  if (x === undefined || x === "") return fallback;
  const n = typeof x === "number" ? x : Number(x);
  return Number.isInteger(n) && n >= 0 ? n : -1;
}

function seconds(t: string | undefined): number {
  const ms = t ? Date.parse(t) : NaN;
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : -1;
}

export function addGcpFlowEntry(entry: unknown, sink: FlowSink, stats: ParseStats): void {
  const p = (entry as { jsonPayload?: GcpFlowPayload } | null)?.jsonPayload;
  const c = p?.connection;
  if (!p || !c?.src_ip || !c.dest_ip) return void stats.skipped++;
  if (p.reporter === "DEST" && p.src_instance) return void stats.skipped++;
  const sport = int(c.src_port);
  const dport = int(c.dest_port);
  const proto = int(c.protocol, -1);
  const bytes = int(p.bytes_sent);
  const packets = int(p.packets_sent);
  const t0 = seconds(p.start_time);
  const t1 = seconds(p.end_time ?? p.start_time);
  if (sport < 0 || dport < 0 || sport > 65535 || dport > 65535 || proto < 0 || proto > 255 || bytes < 0 || packets < 0 || t0 < 0 || t1 < 0) return void stats.malformed++;
  stats.records++;
  addFlow(sink, c.src_ip, c.dest_ip, sport, dport, proto, true, packets, bytes, t0, t1);
}

/** Line-at-a-time reader for exported entries (NDJSON); a JSON array of entries also works per line. */
export class GcpFlowLogParser {
  private carry = "";
  private pushed = 0;
  constructor(
    private readonly sink: FlowSink,
    readonly stats: ParseStats,
  ) {}

  get consumedBytes(): number {
    return this.pushed - Buffer.byteLength(this.carry);
  }

  push(chunk: Buffer): void {
    this.pushed += chunk.length;
    const text = this.carry + chunk.toString("utf8");
    const lines = text.split("\n");
    this.carry = lines.pop() ?? "";
    for (const line of lines) this.line(line);
  }

  end(): void {
    if (this.carry) this.line(this.carry);
    this.carry = "";
  }

  private line(line: string): void {
    const s = line.trim();
    if (!s) return;
    try {
      const parsed = JSON.parse(s) as unknown;
      for (const e of Array.isArray(parsed) ? parsed : [parsed]) addGcpFlowEntry(e, this.sink, this.stats);
    } catch {
      this.stats.malformed++;
    }
  }
}
