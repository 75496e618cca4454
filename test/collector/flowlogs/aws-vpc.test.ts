import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FlowEdge } from "../../../contract/index.js";
import { AwsVpcFlowLogParser, type FlowSink, ipv4 } from "../../../collector/src/flowlogs/aws-vpc.js";
import { listFlowLogFiles, readFlowLogFile, readFlowLogs } from "../../../collector/src/flowlogs/files.js";
import { FlowSummary, sourceIsServer } from "../../../collector/src/flowlogs/summarize.js";
import { ipv4ToString } from "../../../collector/src/flowlogs/summarize.js";

// The example records from the AWS VPC Flow Logs documentation (default v2 format).
const ACCEPT_SSH = "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK";
const REJECT_RDP = "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK";
const NODATA = "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA";
const SKIPDATA = "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA";
const HEADER = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";
const ICMP = "2 123456789010 eni-1235b8ca123456789 203.0.113.12 172.31.16.139 0 0 1 4 336 1432917027 1432917142 ACCEPT OK";
const SSH_REPLY = "2 123456789010 eni-1235b8ca123456789 172.31.16.21 172.31.16.139 22 20641 6 18 3000 1418530015 1418530080 ACCEPT OK";
const IPV6 = "2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK";

function collect(text: string | Buffer, chunk = 7): { records: unknown[][]; parser: AwsVpcFlowLogParser } {
  const records: unknown[][] = [];
  const sink: FlowSink = {
    add4: (...args) => records.push([ipv4ToString(args[0]), ipv4ToString(args[1]), ...args.slice(2)]),
    add: (...args) => records.push(args),
  };
  const parser = new AwsVpcFlowLogParser(sink);
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text);
  // Feed in small pieces: records straddle chunk boundaries.
  for (let i = 0; i < buf.length; i += chunk) parser.push(buf.subarray(i, i + chunk));
  parser.end();
  return { records, parser };
}

describe("AWS VPC flow log parser (v2)", () => {
  it("parses the documented ACCEPT and REJECT records", () => {
    const { records, parser } = collect(`${ACCEPT_SSH}\n${REJECT_RDP}\n`);
    expect(records).toEqual([
      ["172.31.16.139", "172.31.16.21", 20641, 22, 6, true, 20, 4249, 1418530010, 1418530070],
      ["172.31.9.69", "172.31.9.12", 49761, 3389, 6, false, 20, 4249, 1418530010, 1418530070],
    ]);
    expect(parser.stats).toEqual({ records: 2, skipped: 0, malformed: 0, headers: 0 });
  });

  it("skips NODATA and SKIPDATA records, accepts a header line and CRLF and a last line without newline", () => {
    const { records, parser } = collect(`${HEADER}\r\n${NODATA}\r\n${ACCEPT_SSH}\r\n${SKIPDATA}\r\n${REJECT_RDP}`);
    expect(records).toHaveLength(2);
    expect(parser.stats).toEqual({ records: 2, skipped: 2, malformed: 0, headers: 1 });
  });

  it("follows a custom field order announced by a header", () => {
    const { records } = collect("srcaddr dstaddr dstport srcport protocol action bytes packets start end\n10.0.0.1 10.0.0.2 443 51000 6 ACCEPT 100 2 10 20\n");
    expect(records).toEqual([["10.0.0.1", "10.0.0.2", 51000, 443, 6, true, 2, 100, 10, 20]]);
  });

  it("handles ICMP and IPv6, and counts malformed lines without stopping", () => {
    const { records, parser } = collect(`${ICMP}\ngarbage line\n2 1 eni-1 10.0.0.1 10.0.0.2 x 22 6 1 1 1 1 ACCEPT OK\n${IPV6}\n`);
    expect(records).toHaveLength(2);
    expect(records[1]?.[0]).toBe("2001:db8:1234:a100:8d6e:3477:df66:f105");
    expect(parser.stats.malformed).toBe(2); // the garbage line and the non-numeric port
  });

  it("the single-pass path and the general path agree (odd spacing takes the general one)", () => {
    const odd = ACCEPT_SSH.replace(/ /g, "  ").replace("2  ", " 2 ");
    const fast = collect(`${ACCEPT_SSH}\n${REJECT_RDP}\n`).records;
    const general = collect(`${odd}\n${REJECT_RDP.replace(" 49761 ", "   49761 ")}\n`).records;
    expect(general).toEqual(fast);
  });

  it("reads IPv4 addresses without making strings, rejecting what is not one", () => {
    const b = (s: string) => Buffer.from(s);
    expect(ipv4(b("10.0.0.1"), 0, 8)).toBe(0x0a000001);
    expect(ipv4(b("255.255.255.255"), 0, 15)).toBe(0xffffffff);
    expect(ipv4(b("256.1.1.1"), 0, 9)).toBe(-1);
    expect(ipv4(b("1.2.3"), 0, 5)).toBe(-1);
    expect(ipv4(b("2001:db8::1"), 0, 11)).toBe(-1);
  });
});

describe("summarization", () => {
  it("decides the server side: well-known or lower port, ephemeral dropped", () => {
    expect(sourceIsServer(20641, 22)).toBe(false);
    expect(sourceIsServer(22, 20641)).toBe(true);
    expect(sourceIsServer(5432, 40000)).toBe(true);
    expect(sourceIsServer(40000, 8080)).toBe(false);
    expect(sourceIsServer(2000, 40000)).toBe(true);
    expect(sourceIsServer(3000, 4000)).toBe(true);
  });

  it("folds request and reply into one edge client → server:22 with totals and window", () => {
    const s = new FlowSummary();
    const p = new AwsVpcFlowLogParser(s);
    p.push(Buffer.from(`${ACCEPT_SSH}\n${SSH_REPLY}\n${REJECT_RDP}\n${ICMP}\n${NODATA}\n${IPV6}\n`));
    const { edges } = s.toEdges(new Map([["172.31.16.21", "arn:aws:ec2:us-east-1:123456789010:instance/i-ssh"]]));
    for (const e of edges) FlowEdge.parse(e);
    const byPort = (port: number, proto = 6) => edges.filter((e) => e.dstPort === port && e.protocol === proto);
    expect(edges).toHaveLength(4);
    expect(byPort(22).find((e) => e.srcIp === "172.31.16.139")).toEqual({
      srcIp: "172.31.16.139",
      dstIp: "172.31.16.21",
      dstPort: 22,
      protocol: 6,
      action: "accept",
      packets: 38,
      bytes: 7249,
      flows: 2,
      firstSeen: 1418530010,
      lastSeen: 1418530080,
      dstUid: "arn:aws:ec2:us-east-1:123456789010:instance/i-ssh",
    });
    expect(byPort(3389)[0]).toMatchObject({ srcIp: "172.31.9.69", dstIp: "172.31.9.12", action: "reject", flows: 1 });
    expect(byPort(0, 1)[0]).toMatchObject({ srcIp: "203.0.113.12", dstIp: "172.31.16.139", dstPort: 0, packets: 4 });
    expect(byPort(22).find((e) => e.srcIp.includes(":"))).toMatchObject({ dstIp: "2001:db8:1234:a102:3304:8879:34cf:4071", bytes: 8855 });
  });

  it("keeps memory to distinct edges: 100k records over 100 edges", () => {
    const s = new FlowSummary();
    for (let i = 0; i < 100_000; i++) s.add4(0x0a000000 + (i % 100), 0x0a640001, 32768 + (i % 20000), 443, 6, true, 1, 100, 1000 + i, 1060 + i);
    expect(s.size).toBe(100);
    const { edges } = s.toEdges();
    expect(edges.reduce((n, e) => n + e.flows, 0)).toBe(100_000);
    expect(edges.every((e) => e.packets === 1000 && e.bytes === 100_000)).toBe(true);
  });
});

describe("flow-log files", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "psg-flowlogs-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads gzip and plain files from a directory tree, once across runs, resuming a grown file", async () => {
    await mkdir(join(dir, "2026/11/23"), { recursive: true });
    await writeFile(join(dir, "2026/11/23/a.log.gz"), gzipSync(`${HEADER}\n${ACCEPT_SSH}\n${NODATA}\n`));
    await writeFile(join(dir, "2026/11/23/b.log"), `${REJECT_RDP}\n`);
    await writeFile(join(dir, ".hidden"), `${REJECT_RDP}\n`);
    expect((await listFlowLogFiles([dir])).map((f) => f.slice(dir.length))).toEqual(["/2026/11/23/a.log.gz", "/2026/11/23/b.log"]);

    const first = new FlowSummary();
    const r1 = await readFlowLogs([dir], first, {});
    expect(r1.stats).toMatchObject({ records: 2, skipped: 1, headers: 1 });
    expect(first.size).toBe(2);

    const again = new FlowSummary();
    const r2 = await readFlowLogs([dir], again, r1.checkpoints);
    expect(again.records).toBe(0);
    expect(r2.files).toBe(0);

    await writeFile(join(dir, "2026/11/23/b.log"), `${REJECT_RDP}\n${ACCEPT_SSH}\n10.0.0.1 half-written`);
    const grown = new FlowSummary();
    const r3 = await readFlowLogs([dir], grown, r2.checkpoints);
    expect(grown.records).toBe(1); // only the new complete line
    expect(r3.checkpoints[join(dir, "2026/11/23/b.log")]?.offset).toBe(REJECT_RDP.length + ACCEPT_SSH.length + 2);
  });

  it("detects gzip by content, not by name", async () => {
    const path = join(dir, "flows.txt");
    await writeFile(path, gzipSync(`${ACCEPT_SSH}\n`));
    const s = new FlowSummary();
    const { stats } = await readFlowLogFile(path, s);
    expect(stats.records).toBe(1);
  });
});

describe("AWS VPC flow logs v3–v5 (custom formats named by their header)", () => {
  it("reads the documented v3 record with instance, subnet, packet addresses and TCP flags", () => {
    const header = "version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status";
    const record = "3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 52.213.180.42 10.0.0.62 43416 5001 52.213.180.42 10.0.0.62 6 568 8 1566848875 1566848933 ACCEPT 2 OK";
    const { records, parser } = collect(`${header}\n${record}\n`);
    expect(records).toEqual([["52.213.180.42", "10.0.0.62", 43416, 5001, 6, true, 8, 568, 1566848875, 1566848933]]);
    expect(parser.stats).toMatchObject({ records: 1, headers: 1, malformed: 0 });
  });

  it("reads v5 fields (flow-direction, traffic-path, region, az-id, pkt-src-aws-service) in any order", () => {
    const header =
      "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path";
    const record =
      "5 123456789012 eni-0123456789abcdef0 10.0.1.5 52.94.133.131 49761 443 6 14 15044 1616729292 1616729349 ACCEPT OK vpc-0a1 subnet-01 i-0app 19 IPv4 10.0.1.5 52.94.133.131 us-east-1 use1-az1 - - - AMAZON egress 8";
    const { records } = collect(`${header}\n${record}\n`);
    expect(records).toEqual([["10.0.1.5", "52.94.133.131", 49761, 443, 6, true, 14, 15044, 1616729292, 1616729349]]);
  });
});
