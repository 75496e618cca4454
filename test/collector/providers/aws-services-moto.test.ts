import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Coverage, Resource } from "../../../contract/index.js";
import { memoryLogger } from "../../../collector/src/log.js";
import { discoverAwsAccounts } from "../../../collector/src/providers/aws/accounts.js";
import { discoverAws } from "../../../collector/src/providers/aws/index.js";
import { startEc2Server } from "../../../collector/sample-cloud/ec2-server.js";
import { loadBalancersV2 } from "../../../collector/src/providers/aws/services/load-balancers.js";
import { type Moto, startMoto } from "../fixtures/moto.js";
import { startRecordingProxy } from "../fixtures/recording-proxy.js";

// The real @aws-sdk clients (EC2, ELBv2, RDS, Lambda, S3, STS) against moto's server mode.
const SEED = readFileSync(join(import.meta.dirname, "../fixtures/moto-seed.py"), "utf8");
const OTHER = "222222222222";
const THIRD = "333333333333";
let moto: Moto;
let home: { account: string; instance: string; lb: string; sg: string; subnets: string[] };
let other: typeof home;

beforeAll(async () => {
  moto = await startMoto();
  home = JSON.parse(moto.python(SEED, { PREFIX: "home" }));
  other = JSON.parse(moto.python(SEED, { PREFIX: "other", ROLE_ARN: `arn:aws:iam::${OTHER}:role/psg-collector`, EXTERNAL_ID: "psg-ext-1" }));
}, 120_000);
afterAll(async () => {
  await moto?.close();
});

const clientConfig = () => ({ endpoint: moto.url, credentials: { accessKeyId: "AKIAMOTOTEST", secretAccessKey: "x" } });
const arn = (account: string, type: string, id: string) => `arn:aws:ec2:us-east-1:${account}:${type}/${id}`;

describe("AWS services beyond EC2, against moto", () => {
  it("reads ELBv2 with targets, RDS, Lambda (VPC config) and S3 (public access block, encryption, tags)", async () => {
    const inv = await discoverAws({ regions: ["us-east-1"], accountId: home.account, clientConfig: clientConfig(), maxAttempts: 2, log: memoryLogger() });
    for (const r of inv.resources) Resource.parse(r);
    for (const c of inv.coverage) Coverage.parse(c);
    const notOk = inv.coverage.filter((c) => c.status !== "ok");
    expect(notOk, JSON.stringify(notOk)).toEqual([]);
    expect(inv.coverage.map((c) => c.service)).toEqual(
      expect.arrayContaining(["elasticloadbalancing:DescribeLoadBalancers", "rds:DescribeDBInstances", "rds:DescribeDBClusters", "lambda:ListFunctions", "s3:ListAllMyBuckets"]),
    );

    const lb = inv.resources.find((r) => r.uid === home.lb);
    expect(lb).toMatchObject({
      kind: "load_balancer",
      account: home.account,
      network: { networks: [arn(home.account, "vpc", (lb?.network.networks[0] ?? "").split("/").pop()!)], securityGroups: [arn(home.account, "security-group", home.sg)] },
      attributes: { scheme: "internet-facing", internetFacing: true, type: "application", targets: [arn(home.account, "instance", home.instance)] },
    });
    expect(lb?.network.subnets).toHaveLength(2);

    const db = inv.resources.find((r) => r.kind === "database" && r.name === "home-cardholder-db");
    expect(db).toMatchObject({ attributes: { engine: "postgres", encrypted: true, publiclyAccessible: false }, network: { securityGroups: [arn(home.account, "security-group", home.sg)] } });
    expect(db?.network.subnets.length).toBe(2);

    const fns = inv.resources.filter((r) => r.kind === "function");
    expect(fns.find((f) => f.name === "home-tokenize")).toMatchObject({ attributes: { inVpc: true }, network: { subnets: [arn(home.account, "subnet", home.subnets[0]!)], securityGroups: [arn(home.account, "security-group", home.sg)] } });
    expect(fns.find((f) => f.name === "home-public-fn")?.attributes.inVpc).toBe(false);

    const buckets = Object.fromEntries(inv.resources.filter((r) => r.kind === "bucket").map((b) => [b.name, b]));
    expect(buckets["home-cardholder-exports"]).toMatchObject({ uid: "arn:aws:s3:::home-cardholder-exports", region: "us-east-1", tags: { pci: "cde" }, attributes: { publicAccessBlocked: true, encrypted: true, encryption: "aws:kms" } });
    expect(buckets["home-marketing-site"]?.attributes).toMatchObject({ publicAccessBlocked: false });
  });

  it("a role that cannot be assumed is reported as skipped for that account, and the run goes on", async () => {
    // The sample EC2 server does not speak STS: AssumeRole fails there the way a refused role would.
    const ec2 = await startEc2Server({ accounts: [{ accountId: "111122223333", regions: {} }] });
    try {
      const inv = await discoverAwsAccounts({ regions: ["us-east-1"], roleArns: [`arn:aws:iam::${THIRD}:role/psg-collector`], externalId: "x", clientConfig: { endpoint: ec2.url, credentials: { accessKeyId: "111122223333", secretAccessKey: "x" } }, maxAttempts: 1 });
      expect(inv.resources).toEqual([]);
      expect(inv.coverage).toEqual([expect.objectContaining({ account: THIRD, service: "sts:AssumeRole", status: "skipped" })]);
      expect(inv.coverage[0]?.reason).toMatch(/^sts:AssumeRole arn:aws:iam::333333333333:role\/psg-collector: /);
    } finally {
      await ec2.close();
    }
  });

  it("several accounts through AssumeRole with an external id", async () => {
    const log = memoryLogger();
    const inv = await discoverAwsAccounts({
      regions: ["us-east-1"],
      roleArns: [`arn:aws:iam::${home.account}:role/psg-collector`, `arn:aws:iam::${OTHER}:role/psg-collector`, `arn:aws:iam::${THIRD}:role/psg-collector`],
      externalId: "psg-ext-1",
      clientConfig: clientConfig(),
      maxAttempts: 2,
      log,
    });
    const accounts = new Set(inv.resources.map((r) => r.account));
    expect(accounts.has(home.account)).toBe(true);
    expect(accounts.has(OTHER)).toBe(true);
    expect(inv.resources.find((r) => r.uid === other.lb)?.account).toBe(OTHER);
    expect(inv.resources.some((r) => r.name === "other-cardholder-db" && r.account === OTHER)).toBe(true);
    expect(inv.resources.some((r) => r.name === "home-cardholder-db" && r.account === OTHER)).toBe(false);
    // The third account holds nothing: its coverage is still there, all ok (an empty account is a fact, not an error).
    expect(inv.coverage.filter((c) => c.account === THIRD).every((c) => c.status === "ok")).toBe(true);
    expect(log.lines.filter((l) => l.msg === "discovering account")).toHaveLength(3);
  });

  it("ELBv2 tags (a pci:scope tag) reach the resources, read 20 ARNs a DescribeTags call", async () => {
    // 23 load balancers in a region of their own, every one tagged.
    moto.python(`
import boto3
ec2 = boto3.client("ec2", region_name="us-west-2"); elb = boto3.client("elbv2", region_name="us-west-2")
vpc = ec2.create_vpc(CidrBlock="10.70.0.0/16")["Vpc"]["VpcId"]
a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.70.1.0/24", AvailabilityZone="us-west-2a")["Subnet"]["SubnetId"]
b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.70.2.0/24", AvailabilityZone="us-west-2b")["Subnet"]["SubnetId"]
for k in range(23):
    elb.create_load_balancer(Name=f"tagged-{k}", Subnets=[a, b], Scheme="internal", Type="application", Tags=[{"Key": "pci:scope", "Value": "in" if k % 2 else "out"}, {"Key": "n", "Value": str(k)}])
`);
    const proxy = await startRecordingProxy(moto.url);
    try {
      const inv = await discoverAws({ regions: ["us-west-2"], accountId: home.account, families: [], services: [loadBalancersV2], clientConfig: { ...clientConfig(), endpoint: proxy.url }, maxAttempts: 1, log: memoryLogger() });
      expect(inv.coverage.map((c) => [c.service, c.status, c.count])).toEqual([["elasticloadbalancing:DescribeLoadBalancers", "ok", 23]]);
      const lbs = inv.resources.filter((r) => r.kind === "load_balancer");
      expect(lbs).toHaveLength(23);
      for (const lb of lbs) expect(lb.tags).toEqual({ "pci:scope": Number(lb.name.split("-")[1]) % 2 ? "in" : "out", n: lb.name.split("-")[1] });
      const tagCalls = proxy.seen.filter((r) => new URLSearchParams(r.body).get("Action") === "DescribeTags");
      expect(tagCalls.map((r) => [...new URLSearchParams(r.body).keys()].filter((k) => k.startsWith("ResourceArns.member.")).length)).toEqual([20, 3]);
    } finally {
      await proxy.close();
    }
  });
});
