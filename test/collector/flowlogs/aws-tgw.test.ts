import { describe, expect, it } from "vitest";
import { AwsVpcFlowLogParser, type FlowSink, parseLogFormat, TGW_DEFAULT_V6_FIELDS } from "../../../collector/src/flowlogs/aws-vpc.js";
import { FlowSummary, ipv4ToString } from "../../../collector/src/flowlogs/summarize.js";

// Transit Gateway flow logs, default format (version 6) as AWS documents its fields: no action field.
const TGW_HEADER = TGW_DEFAULT_V6_FIELDS.join(" ");
const tgw = (src: string, dst: string, sport: number, dport: number, packets: number, bytes: number, status = "OK") =>
  [
    "6", "TransitGatewayAttachment", "123456789010", "tgw-0a1b2c3d4e5f60718", "tgw-attach-0aa11bb22cc33dd44", "123456789010", "210987654321",
    "vpc-0aaaaaaaaaaaaaaaa", "vpc-0bbbbbbbbbbbbbbbb", "subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb", "eni-0aaaaaaaaaaaaaaaa", "eni-0bbbbbbbbbbbbbbbb",
    "use1-az1", "use1-az2", "tgw-attach-0ee55ff66aa77bb88", src, dst, sport, dport, "6", packets, bytes, "1659380000", "1659380060", status,
    "IPv4", "0", "0", "0", "0", "18", "us-east-1", "egress", "-", "-",
  ].join(" ");

function collect(text: string, fields?: readonly string[]) {
  const records: unknown[][] = [];
  const sink: FlowSink = {
    add4: (...args) => records.push([ipv4ToString(args[0]), ipv4ToString(args[1]), ...args.slice(2)]),
    add: (...args) => records.push(args),
  };
  const parser = new AwsVpcFlowLogParser(sink, fields);
  parser.push(Buffer.from(text));
  parser.end();
  return { records, parser };
}

describe("Transit Gateway flow logs (v6)", () => {
  it("the documented default format has 36 fields and no action", () => {
    expect(TGW_DEFAULT_V6_FIELDS).toHaveLength(36);
    expect(TGW_DEFAULT_V6_FIELDS).not.toContain("action");
    expect(TGW_DEFAULT_V6_FIELDS.slice(0, 5)).toEqual(["version", "resource-type", "account-id", "tgw-id", "tgw-attachment-id"]);
  });

  it("reads S3 delivery (header line) and counts carried traffic as accepted", () => {
    const { records, parser } = collect(`${TGW_HEADER}\n${tgw("10.1.0.5", "10.2.0.9", 49152, 5432, 10, 840)}\n${tgw("10.2.0.9", "10.1.0.5", 5432, 49152, 8, 1200)}\n`);
    expect(records).toEqual([
      ["10.1.0.5", "10.2.0.9", 49152, 5432, 6, true, 10, 840, 1659380000, 1659380060],
      ["10.2.0.9", "10.1.0.5", 5432, 49152, 6, true, 8, 1200, 1659380000, 1659380060],
    ]);
    expect(parser.stats).toMatchObject({ records: 2, headers: 1, malformed: 0, skipped: 0 });
  });

  it("recognises headerless default-format records (CloudWatch Logs delivery) and folds both directions into one edge", () => {
    const summary = new FlowSummary();
    const parser = new AwsVpcFlowLogParser(summary);
    parser.push(Buffer.from(`${tgw("10.1.0.5", "10.2.0.9", 49152, 5432, 10, 840)}\n${tgw("10.2.0.9", "10.1.0.5", 5432, 49152, 8, 1200)}\n${tgw("-", "-", 0, 0, 0, 0, "NODATA").replace(/ 6 0 0 /, " - - - ")}\n`));
    parser.end();
    const { edges } = summary.toEdges();
    expect(edges).toEqual([{ srcIp: "10.1.0.5", dstIp: "10.2.0.9", dstPort: 5432, protocol: 6, action: "accept", packets: 18, bytes: 2040, flows: 2, firstSeen: 1659380000, lastSeen: 1659380060 }]);
    expect(parser.stats).toMatchObject({ records: 2, skipped: 1, malformed: 0 });
  });

  it("a configured custom format (LogFormat string) replaces the header", () => {
    const fields = parseLogFormat("${tgw-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${log-status}");
    const { records } = collect("tgw-0a1 10.1.0.5 10.2.0.9 40000 443 6 3 180 1659380000 1659380060 OK\n", fields);
    expect(records).toEqual([["10.1.0.5", "10.2.0.9", 40000, 443, 6, true, 3, 180, 1659380000, 1659380060]]);
    const vpc = parseLogFormat("${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}");
    expect(collect("2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK\n", vpc).records).toEqual([
      ["172.31.9.69", "172.31.9.12", 49761, 3389, 6, false, 20, 4249, 1418530010, 1418530070],
    ]);
  });

  it("a format without what edges need is refused with the field named", () => {
    expect(() => parseLogFormat("${version} ${srcaddr} ${dstaddr}")).toThrow(/lacks srcport, dstport, protocol, packets, bytes, start, end, action/);
    expect(() => parseLogFormat("${version} srcaddr$ x")).toThrow(/not a flow-log field: "srcaddr\$"/);
  });
});
