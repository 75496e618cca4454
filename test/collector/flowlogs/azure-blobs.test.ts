import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Coverage } from "../../../contract/index.js";
import { type AzureBlobsCheckpoint, parseAppendedRecords, readAzureFlowLogBlobs } from "../../../collector/src/flowlogs/azure-blobs.js";
import { FlowSummary } from "../../../collector/src/flowlogs/summarize.js";
import { type Azurite, startAzurite } from "../fixtures/azurite.js";

// The real @azure/storage-blob client against azurite. Blobs are written the way Network
// Watcher writes them: a block blob whose block list is re-committed each minute with one
// more record block (",{…}") before the closing "]}".
const BANDWIDTH_TUPLES = [
  "1493763938,185.170.185.105,10.2.0.4,35370,23,T,I,A,B,,,,",
  "1493695838,185.170.185.105,10.2.0.4,35370,23,T,I,A,C,1021,588096,8005,4610880",
  "1493696138,185.170.185.105,10.2.0.4,35370,23,T,I,A,E,52,29952,47,27072",
];
const NSG_RESOURCE = "/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/FABRIKAMRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/FABRIAKMVM1-NSG";
const NSG_BLOB = `resourceId=${NSG_RESOURCE}/y=2017/m=05/d=02/h=18/m=00/macAddress=000D3AF87856/PT1H.json`;
const nsgRecord = (minute: number, tuple: string) => ({
  time: `2017-05-02T18:0${minute}:00.0000000Z`,
  systemId: "abcdef01-2345-6789-0abc-def012345678",
  macAddress: "000D3AF87856",
  category: "NetworkSecurityGroupFlowEvent",
  resourceId: NSG_RESOURCE,
  operationName: "NetworkSecurityGroupFlowEvents",
  properties: { Version: 2, flows: [{ rule: "UserRule_default-allow-telnet", flows: [{ mac: "000D3AF87856", flowTuples: [tuple] }] }] },
});
const VNET_BLOB = "flowLogResourceID=/00000000-0000-0000-0000-000000000000_NETWORKWATCHERRG/NETWORKWATCHER_EASTUS2EUAP_VNETFLOWLOG/y=2022/m=09/d=14/h=09/m=00/macAddress=112233445566/PT1H.json";
const VNET_RECORD = {
  time: "2022-09-14T09:00:52.5625085Z",
  flowLogVersion: 4,
  macAddress: "112233445566",
  category: "FlowLogFlowEvent",
  operationName: "FlowLogFlowEvent",
  flowRecords: {
    flows: [
      { aclID: "00aa00aa-bb11-cc22-dd33-44ee44ee44ee", flowGroups: [{ rule: "DefaultRule_AllowInternetOutBound", flowTuples: ["1663146003606,10.0.0.6,192.0.2.180,23956,443,6,O,E,NX,3,767,2,1580"] }] },
      { aclID: "01aa01aa-bb11-cc22-dd33-44ee44ee44ee", flowGroups: [{ rule: "BlockHighRiskTCPPortsFromInternet", flowTuples: ["1663145998065,101.33.218.153,10.0.0.6,55188,22,6,I,D,NX,0,0,0,0"] }] },
    ],
  },
};

let azurite: Azurite;
let service: BlobServiceClient;
beforeAll(async () => {
  azurite = await startAzurite();
  service = BlobServiceClient.fromConnectionString(azurite.connectionString);
}, 60_000);
afterAll(async () => {
  await azurite?.close();
});

/** Commits the blob as header, records (",{…}" after the first), footer — reusing the blocks already committed. */
async function writeFlowLogBlob(container: string, name: string, records: unknown[]): Promise<void> {
  const c = service.getContainerClient(container);
  await c.createIfNotExists();
  const blob = c.getBlockBlobClient(name);
  const id = (s: string) => Buffer.from(s.padEnd(16, "0")).toString("base64");
  const blocks: string[] = [];
  const stage = async (key: string, body: string) => {
    await blob.stageBlock(id(key), Buffer.from(body), Buffer.byteLength(body));
    blocks.push(id(key));
  };
  await stage("header", '{"records":[');
  for (let i = 0; i < records.length; i++) await stage(`r${i}`, `${i === 0 ? "" : ","}${JSON.stringify(records[i])}\r\n`);
  await stage("footer", "]}");
  await blob.commitBlockList(blocks);
}

const telnet = (s: FlowSummary) => s.toEdges().edges.find((e) => e.dstPort === 23);
const account = () => azurite.url;

describe("Azure flow-log blobs (azurite)", () => {
  it("an hourly NSG blob that grows is read block by block: Azure's bandwidth example adds up to 9125 packets and 5256000 bytes, once", async () => {
    const container = "insights-logs-networksecuritygroupflowevent";
    await writeFlowLogBlob(container, NSG_BLOB, [nsgRecord(0, BANDWIDTH_TUPLES[0]!)]);
    await writeFlowLogBlob("insights-logs-flowlogflowevent", VNET_BLOB, [VNET_RECORD]);

    // One summary across the three reads below, as the collector's cycles would add them up.
    const first = new FlowSummary();
    const total = first;
    const r1 = await readAzureFlowLogBlobs({ account: account(), service, sink: first, since: 0 });
    Coverage.parse(r1.coverage);
    expect(r1.coverage).toMatchObject({ provider: "azure", status: "ok", count: 2, service: "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read" });
    expect(r1.stats).toMatchObject({ records: 3, malformed: 0 });
    expect(telnet(first)).toMatchObject({ packets: 0, bytes: 0, flows: 1 });
    // The VNet v4 record: an outbound 443 flow with both directions' counts, and a denied SSH.
    const vnet = first.toEdges().edges;
    expect(vnet.find((e) => e.dstPort === 443)).toMatchObject({ srcIp: "10.0.0.6", dstIp: "192.0.2.180", packets: 5, bytes: 2347, action: "accept" });
    expect(vnet.find((e) => e.dstPort === 22)).toMatchObject({ srcIp: "101.33.218.153", action: "reject" });

    // Restart (checkpoint through JSON): the blob has not changed, nothing is read.
    let cp = JSON.parse(JSON.stringify(r1.checkpoint)) as AzureBlobsCheckpoint;
    const idle = await readAzureFlowLogBlobs({ account: account(), service, sink: new FlowSummary(), previous: cp, since: 0 });
    expect(idle.stats.records).toBe(0);
    expect(idle.units).toBe(0);

    // Two more minutes are committed: only those records are read, from the old closing offset on.
    const before = cp.blobs[`${container}/${NSG_BLOB}`]!;
    await writeFlowLogBlob(container, NSG_BLOB, [nsgRecord(0, BANDWIDTH_TUPLES[0]!), nsgRecord(1, BANDWIDTH_TUPLES[1]!)]);
    const rec = await azurite.recorded();
    const r2 = await readAzureFlowLogBlobs({ account: account(), service: BlobServiceClient.fromConnectionString(rec.connectionString), sink: total, previous: cp, since: 0 });
    rec.close();
    expect(r2.stats.records).toBe(1);
    // Only the new blocks were downloaded: one ranged GET from the old closing offset to the end.
    const gets = rec.requests.filter((r) => r.comp === "blob");
    expect(gets).toHaveLength(1);
    expect(gets[0]!.range).toMatch(new RegExp(`^bytes=${before.offset}-\\d+$`));
    cp = JSON.parse(JSON.stringify(r2.checkpoint));
    expect(cp.blobs[`${container}/${NSG_BLOB}`]).toMatchObject({ records: 2 });
    expect(cp.blobs[`${container}/${NSG_BLOB}`]!.offset).toBeGreaterThan(before.offset);
    await writeFlowLogBlob(container, NSG_BLOB, [nsgRecord(0, BANDWIDTH_TUPLES[0]!), nsgRecord(1, BANDWIDTH_TUPLES[1]!), nsgRecord(2, BANDWIDTH_TUPLES[2]!)]);
    const r3 = await readAzureFlowLogBlobs({ account: account(), service, sink: total, previous: cp, since: 0 });
    expect(r3.stats.records).toBe(1);
    // Across the three reads: the documented totals, every tuple once.
    expect(telnet(total)).toMatchObject({ packets: 9125, bytes: 5256000, flows: 3 });
  });

  it("the checkpoint forgets blobs three hours older than the last complete listing, without reading them again", async () => {
    const now = Date.now();
    const r1 = await readAzureFlowLogBlobs({ account: account(), service, sink: new FlowSummary(), since: 0, now });
    expect(Object.keys(r1.checkpoint.blobs).length).toBeGreaterThan(0);
    const later = await readAzureFlowLogBlobs({ account: account(), service, sink: new FlowSummary(), previous: r1.checkpoint, since: 0, now: now + 4 * 3_600_000 });
    expect(later.checkpoint.blobs).toEqual({});
    expect(later.checkpoint.floor).toBe(now + 3_600_000);
    const again = await readAzureFlowLogBlobs({ account: account(), service, sink: new FlowSummary(), previous: JSON.parse(JSON.stringify(later.checkpoint)), since: 0, now: now + 4 * 3_600_000 });
    expect(again.stats.records).toBe(0);
  });

  it("a blob rewritten rather than appended to is read whole, skipping the records already summarized", async () => {
    const container = "insights-logs-networksecuritygroupflowevent";
    const name = NSG_BLOB.replace("h=18", "h=19");
    await writeFlowLogBlob(container, name, [nsgRecord(0, BANDWIDTH_TUPLES[1]!)]);
    const r1 = await readAzureFlowLogBlobs({ account: account(), service, sink: new FlowSummary(), since: 0 });
    // Same records plus one, but written as one block with different spacing: not an append of the old bytes.
    const c = service.getContainerClient(container).getBlockBlobClient(name);
    const doc = JSON.stringify({ records: [nsgRecord(0, BANDWIDTH_TUPLES[1]!), nsgRecord(1, BANDWIDTH_TUPLES[2]!)] }, null, 2);
    await c.upload(doc, Buffer.byteLength(doc));
    const s = new FlowSummary();
    const r2 = await readAzureFlowLogBlobs({ account: account(), service, sink: s, previous: r1.checkpoint, since: 0 });
    expect(r2.stats.records).toBe(1);
    expect(telnet(s)).toMatchObject({ packets: 99, bytes: 57024 });
  });

  it("the appended bytes are recognised only in the shape Azure writes", () => {
    expect(parseAppendedRecords(Buffer.from("]}"))).toEqual({ records: [], footer: 0 });
    expect(parseAppendedRecords(Buffer.from(',{"a":1}\r\n,{"b":2}\r\n]}'))).toEqual({ records: [{ a: 1 }, { b: 2 }], footer: 20 });
    expect(parseAppendedRecords(Buffer.from('{"a":1}]}'))).toBeUndefined();
    expect(parseAppendedRecords(Buffer.from(',{"a":1'))).toBeUndefined();
  });

  it("an account that refuses the collector is skipped with the service's reason, and the checkpoint is kept", async () => {
    const bad = BlobServiceClient.fromConnectionString(azurite.connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${Buffer.from("wrong key".padEnd(64, "x")).toString("base64")}`), { retryOptions: { maxTries: 1 } });
    const previous = { since: 0, blobs: { "insights-logs-flowlogflowevent/x/PT1H.json": { etag: "e", length: 10, offset: 8, records: 1 } } };
    const r = await readAzureFlowLogBlobs({ account: account(), service: bad, sink: new FlowSummary(), previous, since: 0 });
    expect(r.coverage).toMatchObject({ status: "skipped", count: 0 });
    expect(r.coverage.reason).toMatch(/list insights-logs-networksecuritygroupflowevent: AuthorizationFailure|AuthenticationFailed|HTTP 403/);
    expect(r.checkpoint).toEqual(previous);
  });
});
