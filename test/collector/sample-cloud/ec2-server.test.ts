import { DescribeInstancesCommand, DescribeSecurityGroupsCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it } from "vitest";
import { type Ec2Server, startEc2Server } from "../../../collector/sample-cloud/ec2-server.js";
import { ACCOUNT, twoRegionModel } from "../fixtures/aws-model.js";

let server: Ec2Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const client = (url: string, region = "us-east-1", accessKeyId = "AKIDTEST") =>
  new EC2Client({ region, endpoint: url, credentials: { accessKeyId, secretAccessKey: "x" }, maxAttempts: 1 });

describe("local EC2 Query API server", () => {
  it("round-trips the model through the real SDK: every field it holds comes back", async () => {
    const model = twoRegionModel();
    server = await startEc2Server({ accounts: [model] });
    const out = await client(server.url).send(new DescribeSecurityGroupsCommand({}));
    expect(out.SecurityGroups).toEqual(model.regions["us-east-1"]!.securityGroups);
    const inst = await client(server.url).send(new DescribeInstancesCommand({}));
    expect(inst.Reservations?.[0]?.OwnerId).toBe(ACCOUNT);
    expect(inst.Reservations?.flatMap((r) => r.Instances)).toEqual(model.regions["us-east-1"]!.instances);
  });

  it("answers the region named in the SigV4 credential scope, and the account chosen by access key", async () => {
    const other = { ...twoRegionModel(), accountId: "444455556666" };
    server = await startEc2Server({ accounts: [twoRegionModel(), other], accessKeys: { AKIDA: ACCOUNT, AKIDB: "444455556666" } });
    const eu = await client(server.url, "eu-west-1", "AKIDA").send(new DescribeVpcsCommand({}));
    expect(eu.Vpcs?.map((v) => v.VpcId)).toEqual(["vpc-0eu"]);
    const empty = await client(server.url, "ap-south-1", "AKIDA").send(new DescribeVpcsCommand({}));
    expect(empty.Vpcs).toEqual([]);
    await client(server.url, "us-east-1", "AKIDB").send(new DescribeVpcsCommand({}));
    expect(server.requests.map((r) => [r.region, r.accountId])).toEqual([
      ["eu-west-1", ACCOUNT],
      ["ap-south-1", ACCOUNT],
      ["us-east-1", "444455556666"],
    ]);
    await expect(client(server.url, "us-east-1", "AKIDNOPE").send(new DescribeVpcsCommand({}))).rejects.toMatchObject({ name: "AuthFailure" });
  });

  it("supports ids, vpc-id and tag filters, and refuses an unknown filter like EC2 does", async () => {
    server = await startEc2Server({ accounts: [twoRegionModel()] });
    const c = client(server.url);
    const byId = await c.send(new DescribeInstancesCommand({ InstanceIds: ["i-0web"] }));
    expect(byId.Reservations?.flatMap((r) => r.Instances?.map((i) => i.InstanceId))).toEqual(["i-0web"]);
    const byTag = await c.send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:pci", Values: ["cde"] }] }));
    expect(byTag.Reservations?.flatMap((r) => r.Instances?.map((i) => i.InstanceId))).toEqual(["i-0app"]);
    const byVpc = await c.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "vpc-id", Values: ["vpc-0a1"] }] }));
    expect(byVpc.SecurityGroups).toHaveLength(2);
    await expect(c.send(new DescribeVpcsCommand({ Filters: [{ Name: "no-such-filter", Values: ["x"] }] }))).rejects.toMatchObject({
      name: "InvalidParameterValue",
      $metadata: { httpStatusCode: 400 },
    });
  });

  it("pages with MaxResults/NextToken and answers denied and throttled calls with EC2's codes and statuses", async () => {
    server = await startEc2Server({ accounts: [twoRegionModel({ deniedActions: ["DescribeVpcs"] })], throttleEvery: 2 });
    const c = client(server.url);
    const page1 = await c.send(new DescribeInstancesCommand({ MaxResults: 5 }));
    expect(page1.NextToken).toBeUndefined();
    await expect(c.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({ name: "RequestLimitExceeded", $metadata: { httpStatusCode: 503 } });
    await expect(c.send(new DescribeVpcsCommand({}))).rejects.toMatchObject({
      name: "UnauthorizedOperation",
      $metadata: { httpStatusCode: 403 },
    });
    await server.close();
    server = await startEc2Server({ accounts: [twoRegionModel()], pageSize: 1 });
    const first = await client(server.url).send(new DescribeVpcsCommand({}));
    expect(first.Vpcs).toHaveLength(1);
    const second = await client(server.url).send(new DescribeVpcsCommand({ NextToken: first.NextToken }));
    expect(second.Vpcs?.[0]?.VpcId).toBe("vpc-0a2");
    expect(second.NextToken).toBeUndefined();
  });
});
