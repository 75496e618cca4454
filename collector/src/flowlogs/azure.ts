import type { FlowSink, ParseStats } from "./aws-vpc.js";
import { addFlow, count } from "./tuples.js";

/**
 * Azure flow logs as the storage account holds them (`PT1H.json` blobs: `{"records": [...]}`):
 *
 * - NSG flow logs, version 2 tuples:
 *   `ts,src,dst,sport,dport,T|U,I|O,A|D,B|C|E,pkts s→d,bytes s→d,pkts d→s,bytes d→s`
 *   (unix seconds; counts are empty on B and, on C and E, what moved since the previous tuple);
 * - VNet flow logs (flowLogVersion 4):
 *   `ts_ms,src,dst,sport,dport,protocol number,I|O,B|C|E|D,encryption,pkts s→d,bytes s→d,pkts d→s,bytes d→s`
 *   (state D means denied).
 *
 * A tuple is one record; both directions' counts go to the one edge (the summary puts the
 * server side on the port it keeps). The blob grows through the hour by appending records, so
 * `skipRecords` lets a re-read start after what an earlier read already summarized.
 */
export interface AzureFlowLogResult {
  /** Log records (JSON objects) in the document; the checkpoint keeps it. */
  logRecords: number;
}

const PROTOCOLS: Record<string, number> = { T: 6, U: 17 };

export function parseNsgTupleV2(tuple: string, sink: FlowSink, stats: ParseStats): void {
  const f = tuple.split(",");
  if (f.length < 8) return void stats.malformed++;
  const ts = count(f[0]);
  const sport = count(f[3]);
  const dport = count(f[4]);
  const proto = PROTOCOLS[f[5] ?? ""] ?? count(f[5]);
  const decision = f[7];
  if (ts < 0 || sport < 0 || dport < 0 || proto < 0 || sport > 65535 || dport > 65535 || (decision !== "A" && decision !== "D")) return void stats.malformed++;
  const [p1, b1, p2, b2] = [count(f[9]), count(f[10]), count(f[11]), count(f[12])];
  if (p1 < 0 || b1 < 0 || p2 < 0 || b2 < 0) return void stats.malformed++;
  stats.records++;
  addFlow(sink, f[1]!, f[2]!, sport, dport, proto, decision === "A", p1 + p2, b1 + b2, ts, ts);
}

export function parseVnetTupleV4(tuple: string, sink: FlowSink, stats: ParseStats): void {
  const f = tuple.split(",");
  if (f.length < 8) return void stats.malformed++;
  const tsMs = count(f[0]);
  const sport = count(f[3]);
  const dport = count(f[4]);
  const proto = count(f[5]);
  const state = f[7];
  if (tsMs < 0 || sport < 0 || dport < 0 || proto < 0 || proto > 255 || sport > 65535 || dport > 65535 || !state || !"BCED".includes(state)) return void stats.malformed++;
  const [p1, b1, p2, b2] = [count(f[9]), count(f[10]), count(f[11]), count(f[12])];
  if (p1 < 0 || b1 < 0 || p2 < 0 || b2 < 0) return void stats.malformed++;
  stats.records++;
  const ts = Math.floor(tsMs / 1000);
  addFlow(sink, f[1]!, f[2]!, sport, dport, proto, state !== "D", p1 + p2, b1 + b2, ts, ts);
}

interface NsgRecord {
  properties?: { Version?: number; flows?: Array<{ rule?: string; flows?: Array<{ flowTuples?: string[] }> }> };
}
interface VnetRecord {
  flowLogVersion?: number;
  flowRecords?: { flows?: Array<{ flowGroups?: Array<{ rule?: string; flowTuples?: string[] }> }> };
}

/** Summarizes one flow-log document (NSG v2 or VNet v4, told apart per record). */
export function summarizeAzureFlowLog(doc: unknown, sink: FlowSink, stats: ParseStats, skipRecords = 0): AzureFlowLogResult {
  const records = (doc as { records?: unknown[] } | null)?.records;
  if (!Array.isArray(records)) {
    stats.malformed++;
    return { logRecords: 0 };
  }
  for (let i = skipRecords; i < records.length; i++) {
    const r = records[i] as NsgRecord & VnetRecord;
    stats.headers++; // one log record (per NIC/NSG and minute), not a flow
    if (r.flowRecords) {
      if ((r.flowLogVersion ?? 4) < 4) stats.skipped++;
      for (const acl of r.flowRecords.flows ?? []) for (const g of acl.flowGroups ?? []) for (const t of g.flowTuples ?? []) parseVnetTupleV4(t, sink, stats);
    } else if (r.properties?.flows) {
      // Version 1 tuples carry no counts: their flows are kept, with zero packets and bytes.
      for (const rule of r.properties.flows) for (const mac of rule.flows ?? []) for (const t of mac.flowTuples ?? []) parseNsgTupleV2(t, sink, stats);
    } else stats.skipped++;
  }
  return { logRecords: records.length };
}
