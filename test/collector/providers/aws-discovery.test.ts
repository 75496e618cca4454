import { afterEach, describe, expect, it } from "vitest";
import { Coverage, Resource, Route, Rule } from "../../../contract/index.js";
import { type Ec2Server, type Ec2ServerOptions, startEc2Server } from "../../../collector/sample-cloud/ec2-server.js";
import { memoryLogger } from "../../../collector/src/log.js";
import { discoverAws } from "../../../collector/src/providers/aws/index.js";
import { ACCOUNT, twoRegionModel } from "../fixtures/aws-model.js";

// The real @aws-sdk/client-ec2 against the local EC2 Query API server.
let server: Ec2Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function discover(opts: Omit<Ec2ServerOptions, "accounts"> & { model?: ReturnType<typeof twoRegionModel>; maxAttempts?: number } = {}) {
  server = await startEc2Server({ accounts: [opts.model ?? twoRegionModel()], ...opts });
  const log = memoryLogger();
  const inv = await discoverAws({
    regions: ["us-east-1", "eu-west-1"],
    clientConfig: { endpoint: server.url, credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" } },
    maxAttempts: opts.maxAttempts ?? 3,
    log,
  });
  return { inv, log, server };
}

const arn = (region: string, type: string, id: string) => `arn:aws:ec2:${region}:${ACCOUNT}:${type}/${id}`;
const cov = (inv: { coverage: Coverage[] }, region: string, action: string) => inv.coverage.find((c) => c.region === region && c.service === `ec2:${action}`);

describe("AWS discovery against the EC2 Query API", () => {
  it("discovers both regions into valid contract objects, with network facts and expanded rules", async () => {
    const { inv, server } = await discover();
    for (const r of inv.resources) Resource.parse(r);
    for (const r of inv.rules) Rule.parse(r);
    for (const r of inv.routes) Route.parse(r);
    for (const c of inv.coverage) Coverage.parse(c);
    expect(server.requests.length).toBeGreaterThanOrEqual(20);

    const app = inv.resources.find((r) => r.uid === arn("us-east-1", "instance", "i-0app"));
    expect(app).toMatchObject({
      kind: "instance",
      name: "checkout-app",
      account: ACCOUNT,
      region: "us-east-1",
      tags: { pci: "cde" },
      network: {
        networks: [arn("us-east-1", "vpc", "vpc-0a1")],
        subnets: [arn("us-east-1", "subnet", "subnet-01")],
        securityGroups: [arn("us-east-1", "security-group", "sg-0app")],
        privateIps: ["10.0.1.10"],
        publicIps: ["54.1.2.3"],
      },
      attributes: { state: "running", instanceType: "t3.micro", platform: "Linux/UNIX", iamInstanceProfile: `arn:aws:iam::${ACCOUNT}:instance-profile/app`, launchTime: "2026-01-02T03:04:05.000Z" },
    });
    const nic = inv.resources.find((r) => r.uid === arn("us-east-1", "network-interface", "eni-0app"));
    expect(nic?.parent).toBe(arn("us-east-1", "instance", "i-0app"));
    expect(inv.resources.find((r) => r.uid === arn("eu-west-1", "instance", "i-0eu1"))?.network.privateIps).toEqual(["172.31.0.10"]);

    const sg = arn("us-east-1", "security-group", "sg-0app");
    const sgRules = inv.rules.filter((r) => r.ownerUid === sg);
    expect(sgRules.map((r) => [r.direction, r.protocol, r.fromPort, r.toPort, r.peer])).toEqual([
      ["ingress", "tcp", 443, 443, { kind: "cidr", value: "0.0.0.0/0" }],
      ["ingress", "tcp", 443, 443, { kind: "cidr", value: "::/0" }],
      ["ingress", "tcp", 22, 22, { kind: "group", value: arn("us-east-1", "security-group", "sg-0bastion") }],
      ["ingress", "icmp", 0, 255, { kind: "cidr", value: "10.0.0.0/8" }],
      ["egress", "all", 0, 65535, { kind: "cidr", value: "0.0.0.0/0" }],
      ["egress", "all", 0, 65535, { kind: "prefix_list", value: "pl-63a5400a" }],
    ]);
    expect(sgRules[0]?.description).toBe("public https");

    const rtb = inv.resources.find((r) => r.kind === "route_table");
    expect(rtb?.attributes.main).toBe(true);
    expect(rtb?.network.subnets).toEqual([arn("us-east-1", "subnet", "subnet-02")]);
    expect(inv.routes.map((r) => [r.destination, r.target.kind, r.state])).toEqual([
      ["10.0.0.0/16", "local", "active"],
      ["0.0.0.0/0", "internet_gateway", "active"],
      ["10.1.0.0/16", "peering", "active"],
      ["192.168.0.0/16", "nat_gateway", "blackhole"],
      ["pl-63a5400a", "endpoint", "active"],
    ]);

    // 15 EC2 families in 2 regions, ELBv2 / classic ELB / RDS (2) / Lambda / ECS / EKS in 2 regions, S3 once: the sample has none of those.
    expect(inv.coverage).toHaveLength(45);
    expect(inv.coverage.filter((c) => !c.service.startsWith("ec2:")).every((c) => c.count === 0)).toBe(true);
    expect(inv.coverage.every((c) => c.status === "ok" && c.account === ACCOUNT)).toBe(true);
    expect(cov(inv, "us-east-1", "DescribeInstances")?.count).toBe(2);
    expect(cov(inv, "eu-west-1", "DescribeInstances")?.count).toBe(1);
    expect(cov(inv, "eu-west-1", "DescribeSubnets")).toMatchObject({ status: "ok", count: 0, kinds: ["subnet"] });
  });

  it("follows NextToken pagination to the last page", async () => {
    const paged = await discover({ pageSize: 1 });
    const all = paged.inv.resources.map((r) => r.uid).sort();
    const pagedRequests = paged.server.requests.filter((r) => r.action === "DescribeVpcs" && r.region === "us-east-1");
    expect(pagedRequests).toHaveLength(2);
    await paged.server.close();
    server = undefined;
    const whole = await discover();
    expect(all).toEqual(whole.inv.resources.map((r) => r.uid).sort());
    expect(all).toHaveLength(17);
  });

  it("reports a denied DescribeInstances as skipped with the reason, and emits no instances", async () => {
    const { inv, log } = await discover({ model: twoRegionModel({ deniedActions: ["DescribeInstances"] }) });
    expect(inv.resources.filter((r) => r.kind === "instance")).toEqual([]);
    for (const region of ["us-east-1", "eu-west-1"]) {
      const c = cov(inv, region, "DescribeInstances");
      expect(c?.status).toBe("skipped");
      expect(c?.reason).toMatch(/^UnauthorizedOperation: You are not authorized to perform this operation.*ec2:DescribeInstances/);
      expect(c?.kinds).toEqual(["instance"]);
    }
    // Everything else is still complete.
    expect(inv.coverage.filter((c) => c.status !== "ok")).toHaveLength(2);
    expect(inv.resources.filter((r) => r.kind === "nic")).toHaveLength(2);
    expect(log.lines.some((l) => l.msg === "discovery call denied" && l.code === "UnauthorizedOperation")).toBe(true);
  });

  it("retries a throttled call (RequestLimitExceeded) and ends ok", async () => {
    let throttled = 0;
    const { inv, server } = await discover({
      throttle: (action) => action === "DescribeSecurityGroups" && throttled++ === 0,
    });
    expect(server.requests.filter((r) => r.status === 503)).toHaveLength(1);
    expect(inv.coverage.every((c) => c.status === "ok")).toBe(true);
    expect(inv.resources.filter((r) => r.kind === "security_group")).toHaveLength(2);
  });

  it("a call still throttled after retries is skipped, and a later page failing makes it partial", async () => {
    const { inv } = await discover({
      pageSize: 1,
      maxAttempts: 2,
      throttle: (action, _n, params) => action === "DescribeSubnets" || (action === "DescribeVpcs" && params.has("NextToken")),
    });
    expect(cov(inv, "us-east-1", "DescribeSubnets")).toMatchObject({ status: "skipped", count: 0 });
    expect(cov(inv, "us-east-1", "DescribeSubnets")?.reason).toMatch(/^RequestLimitExceeded/);
    expect(cov(inv, "us-east-1", "DescribeVpcs")).toMatchObject({ status: "partial", count: 1 });
    expect(inv.resources.filter((r) => r.kind === "network" && r.region === "us-east-1")).toHaveLength(1);
  });

  it("a subnet shared from another account keeps its owner in its uid; coverage stays the caller's account", async () => {
    const model = twoRegionModel();
    model.regions["us-east-1"]!.subnets.push({ SubnetId: "subnet-0shared", VpcId: "vpc-0ram", OwnerId: "999988887777", CidrBlock: "10.9.0.0/24" });
    const { inv } = await discover({ model });
    expect(inv.resources.find((r) => r.uid.endsWith("subnet/subnet-0shared"))).toMatchObject({
      uid: "arn:aws:ec2:us-east-1:999988887777:subnet/subnet-0shared",
      account: "999988887777",
      parent: "arn:aws:ec2:us-east-1:999988887777:vpc/vpc-0ram",
    });
    expect(new Set(inv.coverage.map((c) => c.account))).toEqual(new Set([ACCOUNT]));
  });
});
