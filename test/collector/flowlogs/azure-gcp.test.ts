import { appendFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FlowEdge } from "../../../contract/index.js";
import { summarizeAzureFlowLog } from "../../../collector/src/flowlogs/azure.js";
import { readFlowLogs, sniffFormat } from "../../../collector/src/flowlogs/files.js";
import { addGcpFlowEntry, GcpFlowLogParser } from "../../../collector/src/flowlogs/gcp.js";
import { FlowSummary } from "../../../collector/src/flowlogs/summarize.js";
import { emptyStats } from "../../../collector/src/flowlogs/tuples.js";

// Azure's "estimate bandwidth" example (NSG flow logs overview): one conversation between
// 185.170.185.105:35370 and 10.2.0.4:23 in three tuples; the documented totals are
// 1021+52+8005+47 = 9125 packets and 588096+29952+4610880+27072 = 5256000 bytes.
const BANDWIDTH_TUPLES = [
  "1493763938,185.170.185.105,10.2.0.4,35370,23,T,I,A,B,,,,",
  "1493695838,185.170.185.105,10.2.0.4,35370,23,T,I,A,C,1021,588096,8005,4610880",
  "1493696138,185.170.185.105,10.2.0.4,35370,23,T,I,A,E,52,29952,47,27072",
];

/** An NSG flow log blob (PT1H.json) in the documented version 2 shape. */
function nsgBlob(tuplesPerRecord: string[][]): unknown {
  return {
    records: tuplesPerRecord.map((tuples, i) => ({
      time: `2017-05-02T18:0${i}:00.0000000Z`,
      systemId: "abcdef01-2345-6789-0abc-def012345678",
      macAddress: "000D3AF87856",
      category: "NetworkSecurityGroupFlowEvent",
      resourceId: "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/FABRIKAMRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/FABRIAKMVM1-NSG",
      operationName: "NetworkSecurityGroupFlowEvents",
      properties: {
        Version: 2,
        flows: [
          { rule: "DefaultRule_DenyAllInBound", flows: [{ mac: "000D3AF87856", flowTuples: tuples.filter((t) => t.split(",")[7] === "D") }] },
          { rule: "UserRule_default-allow-rdp", flows: [{ mac: "000D3AF87856", flowTuples: tuples.filter((t) => t.split(",")[7] !== "D") }] },
        ],
      },
    })),
  };
}

// The VNet flow log sample record (flowLogVersion 4) from the VNet flow logs overview.
const VNET_DOC = {
  records: [
    {
      time: "2022-09-14T09:00:52.5625085Z",
      flowLogVersion: 4,
      flowLogGUID: "66aa66aa-bb77-cc88-dd99-00ee00ee00ee",
      macAddress: "112233445566",
      category: "FlowLogFlowEvent",
      flowLogResourceID: "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_EASTUS2EUAP/FLOWLOGS/VNETFLOWLOG",
      targetResourceID: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myResourceGroup/providers/Microsoft.Network/virtualNetworks/myVNet",
      operationName: "FlowLogFlowEvent",
      flowRecords: {
        flows: [
          {
            aclID: "00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
            flowGroups: [
              {
                rule: "DefaultRule_AllowInternetOutBound",
                flowTuples: [
                  "1663146003599,10.0.0.6,192.0.2.180,23956,443,6,O,B,NX,0,0,0,0",
                  "1663146003606,10.0.0.6,192.0.2.180,23956,443,6,O,E,NX,3,767,2,1580",
                  "1663146003637,10.0.0.6,203.0.113.17,22730,443,6,O,B,NX,0,0,0,0",
                  "1663146003640,10.0.0.6,203.0.113.17,22730,443,6,O,E,NX,3,705,4,4569",
                ],
              },
            ],
          },
          {
            aclID: "01aa01aa-bb11-cc22-dd33-44ee44ee44ee",
            flowGroups: [{ rule: "BlockHighRiskTCPPortsFromInternet", flowTuples: ["1663145998065,101.33.218.153,10.0.0.6,55188,22,6,I,D,NX,0,0,0,0"] }],
          },
        ],
      },
    },
  ],
};

// A VPC flow log entry as Cloud Logging stores it (fields as in the GCP flow-log record format).
function gcpEntry(p: { src: string; dst: string; sport: number; dport: number; bytes: number; packets: number; reporter: "SRC" | "DEST"; srcVm?: boolean }) {
  return {
    insertId: `id-${p.sport}-${p.reporter}`,
    jsonPayload: {
      bytes_sent: String(p.bytes),
      packets_sent: String(p.packets),
      connection: { src_ip: p.src, dest_ip: p.dst, src_port: p.sport, dest_port: p.dport, protocol: 6 },
      start_time: "2026-01-02T03:04:05.123456789Z",
      end_time: "2026-01-02T03:04:35.987654321Z",
      reporter: p.reporter,
      rtt_msec: "12",
      ...(p.srcVm ? { src_instance: { project_id: "psg-host", vm_name: "app-1", region: "europe-west1", zone: "europe-west1-b" } } : {}),
      dest_vpc: { project_id: "psg-host", vpc_name: "cde-vpc", subnetwork_name: "db" },
    },
    logName: "projects/psg-host/logs/compute.googleapis.com%2Fvpc_flows",
    resource: { type: "gce_subnetwork", labels: { project_id: "psg-host", subnetwork_name: "db", location: "us-central1-a" } },
    timestamp: "2026-01-02T03:04:40.000000000Z",
  };
}

describe("Azure flow logs", () => {
  it("NSG v2: Azure's bandwidth example adds up to the documented 9125 packets and 5256000 bytes", () => {
    const summary = new FlowSummary();
    const stats = emptyStats();
    summarizeAzureFlowLog(nsgBlob([BANDWIDTH_TUPLES]), summary, stats);
    expect(stats).toMatchObject({ records: 3, malformed: 0 });
    const { edges } = summary.toEdges();
    expect(edges).toHaveLength(1);
    expect(edges[0]).toMatchObject({ srcIp: "185.170.185.105", dstIp: "10.2.0.4", dstPort: 23, protocol: 6, action: "accept", packets: 9125, bytes: 5256000, flows: 3 });
    FlowEdge.parse(edges[0]);
  });

  it("NSG v2: denied tuples become reject edges; UDP and outbound tuples are read", () => {
    const summary = new FlowSummary();
    const stats = emptyStats();
    summarizeAzureFlowLog(
      nsgBlob([["1542110377,94.102.49.190,10.5.16.4,28746,443,U,I,D,B,,,,", "1542110424,176.119.4.10,10.5.16.4,56509,59336,T,I,D,B,,,,", "1542110432,167.99.86.8,10.5.16.4,48495,8088,T,I,D,B,,,,"], ["1542111000,10.5.16.4,13.67.143.118,49152,443,T,O,A,E,10,1000,8,9000"]]),
      summary,
      stats,
    );
    expect(stats.records).toBe(4);
    const edges = summary.toEdges().edges;
    expect(edges.filter((e) => e.action === "reject").map((e) => [e.dstIp, e.dstPort, e.protocol]).sort()).toEqual([
      ["10.5.16.4", 443, 17],
      ["10.5.16.4", 8088, 6],
      // Both ports above 49151: the lower is taken as the server's.
      ["176.119.4.10", 56509, 6],
    ]);
    expect(edges.find((e) => e.action === "accept")).toMatchObject({ srcIp: "10.5.16.4", dstIp: "13.67.143.118", dstPort: 443, packets: 18, bytes: 10000 });
  });

  it("VNet v4: millisecond timestamps, protocol numbers, state D as deny, both directions' counts", () => {
    const summary = new FlowSummary();
    const stats = emptyStats();
    summarizeAzureFlowLog(VNET_DOC, summary, stats);
    expect(stats).toMatchObject({ records: 5, malformed: 0 });
    const edges = summary.toEdges().edges;
    expect(edges.map((e) => [e.srcIp, e.dstIp, e.dstPort, e.action, e.packets, e.bytes, e.flows, e.firstSeen])).toEqual(
      expect.arrayContaining([
        ["10.0.0.6", "192.0.2.180", 443, "accept", 5, 2347, 2, 1663146003],
        ["10.0.0.6", "203.0.113.17", 443, "accept", 7, 5274, 2, 1663146003],
        ["101.33.218.153", "10.0.0.6", 22, "reject", 0, 0, 1, 1663145998],
      ]),
    );
    expect(edges).toHaveLength(3);
  });

  it("counts a malformed tuple and keeps going", () => {
    const stats = emptyStats();
    summarizeAzureFlowLog(nsgBlob([["x,1.2.3.4", "1493763938,185.170.185.105,10.2.0.4,35370,99999,T,I,A,B,,,,", BANDWIDTH_TUPLES[1]!]]), new FlowSummary(), stats);
    expect(stats).toMatchObject({ records: 1, malformed: 2 });
  });
});

describe("GCP VPC flow logs (Cloud Logging entries)", () => {
  it("summarizes entries, counting a VM-to-VM flow once although both ends report it", () => {
    const summary = new FlowSummary();
    const stats = emptyStats();
    const parser = new GcpFlowLogParser(summary, stats);
    const lines = [
      gcpEntry({ src: "10.128.0.2", dst: "10.130.0.5", sport: 51000, dport: 5432, bytes: 1200, packets: 10, reporter: "SRC", srcVm: true }),
      gcpEntry({ src: "10.128.0.2", dst: "10.130.0.5", sport: 51000, dport: 5432, bytes: 1200, packets: 10, reporter: "DEST", srcVm: true }),
      gcpEntry({ src: "203.0.113.9", dst: "10.128.0.2", sport: 40000, dport: 443, bytes: 800, packets: 4, reporter: "DEST" }),
      gcpEntry({ src: "10.128.0.2", dst: "10.130.0.5", sport: 51002, dport: 5432, bytes: 300, packets: 3, reporter: "SRC", srcVm: true }),
    ]
      .map((e) => JSON.stringify(e))
      .join("\n");
    const buf = Buffer.from(`${lines}\nnot json\n`);
    for (let i = 0; i < buf.length; i += 97) parser.push(buf.subarray(i, i + 97));
    parser.end();
    expect(stats).toMatchObject({ records: 3, skipped: 1, malformed: 1 });
    const edges = summary.toEdges().edges;
    expect(edges.map((e) => [e.srcIp, e.dstIp, e.dstPort, e.action, e.packets, e.bytes, e.flows, e.firstSeen, e.lastSeen])).toEqual(
      expect.arrayContaining([
        ["10.128.0.2", "10.130.0.5", 5432, "accept", 13, 1500, 2, 1767323045, 1767323075],
        ["203.0.113.9", "10.128.0.2", 443, "accept", 4, 800, 1, 1767323045, 1767323075],
      ]),
    );
  });

  it("skips entries that are not flow records", () => {
    const stats = emptyStats();
    addGcpFlowEntry({ jsonPayload: { message: "hello" } }, new FlowSummary(), stats);
    addGcpFlowEntry({ textPayload: "x" }, new FlowSummary(), stats);
    expect(stats).toMatchObject({ records: 0, skipped: 2 });
  });
});

describe("flow-log files of every provider, read once across restarts", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "psg-fl-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("tells the formats apart by their first bytes", () => {
    expect(sniffFormat(Buffer.from('{"records":[{"time":"x"}]}'))).toBe("azure");
    expect(sniffFormat(Buffer.from(' \n{"insertId":"a","jsonPayload":{}}'))).toBe("gcp");
    expect(sniffFormat(Buffer.from("version account-id interface-id"))).toBe("aws");
  });

  it("an Azure blob that gains records and a GCP export that gains lines are summarized once each", async () => {
    const azure = join(dir, "resourceId=X", "PT1H.json");
    const gcp = join(dir, "vpc_flows.json");
    await (await import("node:fs/promises")).mkdir(join(dir, "resourceId=X"));
    await writeFile(azure, JSON.stringify(nsgBlob([BANDWIDTH_TUPLES.slice(0, 2)])));
    await writeFile(gcp, JSON.stringify(gcpEntry({ src: "203.0.113.9", dst: "10.128.0.2", sport: 40000, dport: 443, bytes: 800, packets: 4, reporter: "DEST" })) + "\n");
    const first = new FlowSummary();
    const r1 = await readFlowLogs([dir], first, {});
    expect(r1.stats.records).toBe(3);
    expect(r1.checkpoints[azure]).toMatchObject({ format: "azure", records: 1 });
    expect(r1.checkpoints[gcp]).toMatchObject({ format: "gcp" });

    // The hour goes on: Azure rewrites the blob with one more record; the export gets a line.
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(azure, JSON.stringify(nsgBlob([BANDWIDTH_TUPLES.slice(0, 2), BANDWIDTH_TUPLES.slice(2)])));
    await appendFile(gcp, JSON.stringify(gcpEntry({ src: "203.0.113.9", dst: "10.128.0.2", sport: 40001, dport: 443, bytes: 100, packets: 1, reporter: "DEST" })) + "\n");
    const second = new FlowSummary();
    const r2 = await readFlowLogs([dir], second, r1.checkpoints);
    expect(r2.stats.records).toBe(2);
    expect(r2.checkpoints[gcp]).toMatchObject({ format: "gcp", offset: r2.checkpoints[gcp]!.size });
    const byDst = Object.fromEntries(second.toEdges().edges.map((e) => [e.dstIp, [e.packets, e.bytes]]));
    expect(byDst).toEqual({ "10.2.0.4": [99, 57024], "10.128.0.2": [1, 100] });
    // Nothing new: nothing read.
    const r3 = await readFlowLogs([dir], new FlowSummary(), r2.checkpoints);
    expect(r3.stats.records).toBe(0);
  });
});
