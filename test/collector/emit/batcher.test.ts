import { describe, expect, it } from "vitest";
import { BATCH_LIMITS, Batch, type FlowEdge, type Resource, type Rule } from "../../../contract/index.js";
import { flowsBatches, inventoryParts } from "../../../collector/src/emit/batcher.js";

const resource = (i: number): Resource => ({
  uid: `arn:aws:ec2:us-east-1:111122223333:instance/i-${i.toString(16).padStart(8, "0")}`,
  provider: "aws",
  account: "111122223333",
  region: "us-east-1",
  kind: "instance",
  name: `instance-${i}`,
  tags: { Name: `instance-${i}`, team: "x".repeat(200) },
  network: { networks: [], subnets: [], securityGroups: [], privateIps: [`10.0.${(i >> 8) & 255}.${i & 255}`], publicIps: [] },
  attributes: {},
});
const rule = (i: number): Rule => ({
  id: `sg#ingress#${i}`,
  ownerUid: "sg",
  direction: "ingress",
  protocol: "tcp",
  fromPort: 443,
  toPort: 443,
  peer: { kind: "cidr", value: "0.0.0.0/0" },
  action: "allow",
  priority: 0,
});

describe("batcher", () => {
  it("splits a large scan into parts within count limits and the byte budget, all sharing the scan id", () => {
    const resources = Array.from({ length: 12_000 }, (_, i) => resource(i));
    const rules = Array.from({ length: 25_000 }, (_, i) => rule(i));
    const parts = inventoryParts("scan-1", { resources, rules, routes: [], coverage: [] });
    expect(parts.length).toBeGreaterThanOrEqual(3);
    expect(parts.every((p, i) => p.scanId === "scan-1" && p.part === i + 1 && p.parts === parts.length)).toBe(true);
    expect(parts.reduce((n, p) => n + p.resources.length, 0)).toBe(12_000);
    expect(parts.reduce((n, p) => n + p.rules.length, 0)).toBe(25_000);
    for (const p of parts) {
      const body = JSON.stringify(Batch.parse({ ...p, collectorId: "c", seq: 1, createdAt: new Date().toISOString() }));
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(4 * 1024 * 1024);
      expect(p.resources.length).toBeLessThanOrEqual(BATCH_LIMITS.maxResources);
    }
  });

  it("a scan that found nothing is still one part carrying its coverage", () => {
    const parts = inventoryParts("scan-2", {
      resources: [],
      rules: [],
      routes: [],
      coverage: [{ provider: "aws", account: "1", region: "us-east-1", service: "ec2:DescribeVpcs", kinds: ["network"], status: "ok", count: 0 }],
    });
    expect(parts).toHaveLength(1);
    expect(parts[0]).toMatchObject({ part: 1, parts: 1, coverage: [{ status: "ok" }] });
  });

  it("splits edges into flows batches with their time window", () => {
    const edges: FlowEdge[] = Array.from({ length: 45_000 }, (_, i) => ({
      srcIp: "10.0.0.1",
      dstIp: "10.0.0.2",
      dstPort: i % 65535,
      protocol: 6,
      action: "accept",
      packets: 1,
      bytes: 1,
      flows: 1,
      firstSeen: 100 + i,
      lastSeen: 200 + i,
    }));
    const batches = flowsBatches(edges, "file.log");
    expect(batches.map((b) => b.edges.length)).toEqual([20_000, 20_000, 5_000]);
    expect(batches[0]?.window).toEqual({ from: 100, to: 20_199 });
    expect(batches[2]?.source).toBe("file.log");
  });
});
