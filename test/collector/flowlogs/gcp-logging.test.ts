import { PassThroughClient } from "google-auth-library";
import { afterEach, describe, expect, it } from "vitest";
import { Coverage } from "../../../contract/index.js";
import { type LogEntryJson, type LoggingServer, startLoggingServer } from "../../../collector/sample-cloud/logging-server.js";
import { readGcpFlowLogEntries } from "../../../collector/src/flowlogs/gcp-logging.js";
import { FlowSummary } from "../../../collector/src/flowlogs/summarize.js";

// google-auth-library's REST request against a local Cloud Logging entries:list server.
const PROJECT = "psg-host";
const LOG = `projects/${PROJECT}/logs/compute.googleapis.com%2Fvpc_flows`;
const T0 = Date.parse("2026-11-23T12:00:00Z");

/** A VPC flow log entry in the documented record format (int64 counts as strings). */
function entry(i: number, atMs: number, p: { src?: string; dport?: number; bytes?: number; packets?: number; reporter?: "SRC" | "DEST"; srcVm?: boolean; log?: string } = {}): LogEntryJson {
  return {
    insertId: `1m2n3o${i}`,
    logName: p.log ?? LOG,
    timestamp: new Date(atMs).toISOString(),
    receiveTimestamp: new Date(atMs + 30_000).toISOString(),
    resource: { type: "gce_subnetwork", labels: { project_id: PROJECT, subnetwork_name: "db", location: "us-central1-a" } },
    jsonPayload: {
      connection: { src_ip: p.src ?? "10.128.0.5", dest_ip: "10.128.0.9", src_port: 40000 + i, dest_port: p.dport ?? 5432, protocol: 6 },
      bytes_sent: String(p.bytes ?? 1000),
      packets_sent: String(p.packets ?? 10),
      start_time: new Date(atMs - 5000).toISOString(),
      end_time: new Date(atMs).toISOString(),
      reporter: p.reporter ?? "SRC",
      ...(p.srcVm ? { src_instance: { project_id: PROJECT, vm_name: "app-1", region: "us-central1", zone: "us-central1-a" } } : {}),
    },
  };
}

let server: LoggingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const authClient = new PassThroughClient();
const pg = (s: FlowSummary) => s.toEdges().edges.find((e) => e.dstPort === 5432 && e.srcIp === "10.128.0.5");

describe("GCP VPC flow logs through Cloud Logging entries:list", () => {
  it("pages through the vpc_flows log once, reads a late entry inside the window, and nothing twice across restarts", async () => {
    server = await startLoggingServer({
      pageSize: 2,
      entries: [
        entry(1, T0, { srcVm: true }),
        entry(2, T0 + 1000, { srcVm: true }),
        // The other end of flow 2, also a logged VM: not counted twice.
        { ...entry(2, T0 + 1000, { reporter: "DEST", srcVm: true }), insertId: "dest-2" },
        entry(3, T0 + 2000, { src: "10.128.0.6" }),
        entry(9, T0, { log: `projects/${PROJECT}/logs/cloudaudit.googleapis.com%2Factivity` }),
      ],
    });
    const opts = { project: PROJECT, endpoint: server.url, authClient, since: T0 - 60_000, lookbackMs: 10 * 60_000 };
    const s1 = new FlowSummary();
    const r1 = await readGcpFlowLogEntries({ ...opts, sink: s1 });
    Coverage.parse(r1.coverage);
    expect(r1.coverage).toMatchObject({ provider: "gcp", account: PROJECT, status: "ok", service: "logging.logEntries.list", count: 2 });
    expect(r1.stats).toMatchObject({ records: 3, skipped: 1, malformed: 0 });
    expect(pg(s1)).toMatchObject({ srcIp: "10.128.0.5", dstIp: "10.128.0.9", packets: 20, bytes: 2000, flows: 2, action: "accept" });
    // The request carried the documented filter and paged with pageToken.
    expect(server.requests[0]!.filter).toBe(`logName="${LOG}" AND timestamp>="2026-11-23T11:59:00.000Z"`);
    expect(server.requests.map((r) => r.pageToken)).toEqual([undefined, "2"]);

    const saved = JSON.parse(JSON.stringify(r1.checkpoint));
    const r2 = await readGcpFlowLogEntries({ ...opts, sink: new FlowSummary(), previous: saved });
    expect(r2.stats.records).toBe(0);
    // The restart asked from the look-back before the newest entry, not from the beginning.
    expect(server.requests.at(-1)!.filter).toContain(`timestamp>="${new Date(T0 + 2000 - 10 * 60_000).toISOString()}"`);

    server.add(entry(4, T0 + 500), entry(5, T0 + 60_000));
    const s3 = new FlowSummary();
    const r3 = await readGcpFlowLogEntries({ ...opts, sink: s3, previous: r2.checkpoint });
    expect(r3.stats.records).toBe(2);
    expect(pg(s3)).toMatchObject({ flows: 2, bytes: 2000 });
    const r4 = await readGcpFlowLogEntries({ ...opts, sink: new FlowSummary(), previous: r3.checkpoint });
    expect(r4.stats.records).toBe(0);
  });

  it("a 429 from Logging's read quota is retried with backoff; quota still exhausted leaves the rest for the next cycle (partial)", async () => {
    server = await startLoggingServer({ pageSize: 1, entries: [entry(1, T0), entry(2, T0 + 1000), entry(3, T0 + 2000)], throttle: (n) => n === 1 || n >= 3 });
    const waits: number[] = [];
    const opts = { project: PROJECT, endpoint: server.url, authClient, since: T0 - 1000, lookbackMs: 60_000, maxAttempts: 2, baseDelayMs: 100, sleep: async (ms: number) => void waits.push(ms) };
    const r1 = await readGcpFlowLogEntries({ ...opts, sink: new FlowSummary() });
    // Request 1 throttled and retried (2), page 2 throttled twice (3, 4): one page read, the reason kept.
    expect(waits).toHaveLength(2);
    expect(r1.stats.records).toBe(1);
    expect(r1.coverage).toMatchObject({ status: "partial", count: 1 });
    expect(r1.coverage.reason).toMatch(/RESOURCE_EXHAUSTED \(HTTP 429\): Quota exceeded/);
    const later = await startLoggingServer({ pageSize: 1, entries: [entry(1, T0), entry(2, T0 + 1000), entry(3, T0 + 2000)] });
    try {
      const r2 = await readGcpFlowLogEntries({ ...opts, endpoint: later.url, sink: new FlowSummary(), previous: r1.checkpoint });
      expect(r2.stats.records).toBe(2);
    } finally {
      await later.close();
    }
  });

  it("a denied project is skipped with Google's reason, its checkpoint unchanged", async () => {
    server = await startLoggingServer({ entries: [], deny: (p) => p === PROJECT });
    const previous = { since: T0, window: { maxTs: T0, ids: { a: T0 } } };
    const r = await readGcpFlowLogEntries({ project: PROJECT, endpoint: server.url, authClient, sink: new FlowSummary(), previous, since: 0, lookbackMs: 60_000 });
    expect(r.coverage).toMatchObject({ status: "skipped", count: 0 });
    expect(r.coverage.reason).toBe("logging.logEntries.list projects/psg-host: PERMISSION_DENIED (HTTP 403): Permission 'logging.logEntries.list' denied on resource (or it may not exist).");
    expect(r.checkpoint).toEqual(previous);
  });
});
