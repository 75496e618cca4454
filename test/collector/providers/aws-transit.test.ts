import { afterEach, describe, expect, it } from "vitest";
import { Coverage, Resource, Route, Rule } from "../../../contract/index.js";
import { type Ec2Server, type Ec2ServerOptions, startEc2Server } from "../../../collector/sample-cloud/ec2-server.js";
import { memoryLogger } from "../../../collector/src/log.js";
import { discoverAws } from "../../../collector/src/providers/aws/index.js";
import { buildNetworkModel, canReach } from "../../../worker/scope/reachability/index.js";
import { ACCOUNT, transitModel } from "../fixtures/aws-transit-model.js";

// Transit gateways, VPC endpoints and prefix lists: the real @aws-sdk/client-ec2 against the
// local EC2 Query server answering recorded real-format responses (moto drops the attachment
// from SearchTransitGatewayRoutes answers), then the scope engine on what was discovered.
let server: Ec2Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function discover(opts: Omit<Ec2ServerOptions, "accounts"> & { model?: ReturnType<typeof transitModel>; maxAttempts?: number } = {}) {
  server = await startEc2Server({ accounts: [opts.model ?? transitModel()], ...opts });
  const inv = await discoverAws({
    regions: ["us-east-1"],
    clientConfig: { endpoint: server.url, credentials: { accessKeyId: ACCOUNT, secretAccessKey: "secret" } },
    maxAttempts: opts.maxAttempts ?? 3,
    log: memoryLogger(),
  });
  return { inv, server };
}

const arn = (type: string, id: string) => `arn:aws:ec2:us-east-1:${ACCOUNT}:${type}/${id}`;
const cov = (inv: { coverage: Coverage[] }, action: string) => inv.coverage.find((c) => c.service === `ec2:${action}`);
const NEW = ["DescribeTransitGateways", "DescribeTransitGatewayAttachments", "DescribeTransitGatewayRouteTables", "DescribeVpcEndpoints", "DescribeManagedPrefixLists"];

describe("transit gateways, endpoints and prefix lists against the EC2 Query API", () => {
  it("gateway routes name the attachment they forward to; deleted attachments are left out; the endpoint gets its interface's address", async () => {
    const { inv } = await discover();
    for (const r of inv.resources) Resource.parse(r);
    for (const r of inv.rules) Rule.parse(r);
    for (const r of inv.routes) Route.parse(r);
    expect(inv.coverage.every((c) => c.status === "ok")).toBe(true);
    expect(NEW.map((a) => cov(inv, a)?.count)).toEqual([1, 2, 2, 1, 2]);
    const spokes = arn("transit-gateway-route-table", "tgw-rtb-0spokes");
    expect(inv.routes.filter((r) => r.tableUid === spokes)).toEqual([
      { id: `${spokes}#10.10.0.0/16`, tableUid: spokes, destination: "10.10.0.0/16", target: { kind: "transit_gateway", uid: arn("transit-gateway-attachment", "tgw-attach-0pay") }, state: "active" },
      { id: `${spokes}#10.10.2.0/24`, tableUid: spokes, destination: "10.10.2.0/24", target: { kind: "blackhole" }, state: "blackhole" },
    ]);
    expect(inv.resources.find((r) => r.uid === spokes)?.attributes.associations).toEqual([arn("transit-gateway-attachment", "tgw-attach-0corp")]);
    expect(inv.resources.find((r) => r.uid === arn("transit-gateway", "tgw-0core"))).toMatchObject({ name: "core-tgw", attributes: { gatewayType: "transit_gateway", defaultRouteTableAssociation: false } });
    expect(inv.resources.some((r) => r.uid.endsWith("tgw-attach-0old"))).toBe(false);
    expect(inv.resources.find((r) => r.uid === arn("vpc-endpoint", "vpce-0kms"))).toMatchObject({
      kind: "endpoint",
      network: { subnets: [arn("subnet", "subnet-0pay")], securityGroups: [arn("security-group", "sg-0db")], privateIps: ["10.10.1.50"] },
      attributes: { endpointType: "Interface", policyAllowsAll: false, dnsNames: ["vpce-0kms-abc.kms.us-east-1.vpce.amazonaws.com"] },
    });
    const s3List = inv.resources.find((r) => r.attributes.prefixListId === "pl-63a5400a");
    expect(s3List).toMatchObject({ uid: "arn:aws:ec2:us-east-1:aws:prefix-list/pl-63a5400a", account: ACCOUNT, attributes: { owner: "AWS", awsManaged: true, cidrs: ["52.216.0.0/15", "54.231.0.0/16", "3.5.0.0/19"] } });
  });

  it("the scope engine, on what was discovered, follows the gateway's tables: open, blackholed, and no route back", async () => {
    const { inv } = await discover();
    const model = buildNetworkModel(inv);
    const corp = arn("instance", "i-0corp");
    const db = arn("instance", "i-0db");
    const open = canReach(model, corp, db, 5432)!;
    expect(open.reachable).toBe(true);
    expect(open.hops.filter((h) => h.control.includes("transit-gateway-route-table")).map((h) => [h.step, h.ruleId])).toEqual([
      ["route", `${arn("transit-gateway-route-table", "tgw-rtb-0spokes")}#10.10.0.0/16`],
      ["return_route", `${arn("transit-gateway-route-table", "tgw-rtb-0cde")}#10.30.1.0/24`],
    ]);
    expect(canReach(model, corp, arn("instance", "i-0vault"), 5432)).toMatchObject({ reachable: false, blockedBy: { ruleId: `${arn("transit-gateway-route-table", "tgw-rtb-0spokes")}#10.10.2.0/24` } });
    expect(canReach(model, arn("instance", "i-0lab"), db, 5432)).toMatchObject({ reachable: false, blockedBy: { step: "return_route", control: arn("transit-gateway-route-table", "tgw-rtb-0cde"), action: "no_route" } });
    // SSH is admitted from the prefix list, which holds corp's subnet.
    expect(canReach(model, corp, db, 22)).toMatchObject({ reachable: true, ports: "22" });
  });

  it("follows NextToken on every list, the per-table and per-list reads included", async () => {
    const paged = await discover({ pageSize: 1 });
    const calls = (action: string) => paged.server.requests.filter((r) => r.action === action).length;
    // Two gateway tables: a 2-route search pages twice, a 1-association list once, each.
    expect(calls("DescribeTransitGatewayRouteTables")).toBe(2);
    expect(calls("DescribeTransitGatewayAttachments")).toBe(3);
    expect(calls("SearchTransitGatewayRoutes")).toBe(3);
    expect(calls("GetTransitGatewayRouteTableAssociations")).toBe(2);
    expect(calls("GetManagedPrefixListEntries")).toBe(6);
    const all = (i: typeof paged.inv) => JSON.stringify([i.resources.map((r) => r.uid).sort(), i.routes.map((r) => r.id).sort(), i.resources.find((r) => r.attributes.prefixListId === "pl-0admins")?.attributes.cidrs]);
    const pagedResult = all(paged.inv);
    await paged.server.close();
    server = undefined;
    expect(pagedResult).toEqual(all((await discover()).inv));
  });

  it("a denied list is skipped with the reason; a denied per-table read makes the family partial and the table says its routes are unknown", async () => {
    const { inv } = await discover({ model: transitModel({ deniedActions: ["DescribeTransitGateways", "SearchTransitGatewayRoutes", "GetManagedPrefixListEntries"] }) });
    expect(cov(inv, "DescribeTransitGateways")).toMatchObject({ status: "skipped", count: 0 });
    expect(cov(inv, "DescribeTransitGateways")?.reason).toMatch(/^UnauthorizedOperation: .*ec2:DescribeTransitGateways/);
    expect(cov(inv, "DescribeTransitGatewayRouteTables")).toMatchObject({ status: "partial", count: 2 });
    expect(cov(inv, "DescribeTransitGatewayRouteTables")?.reason).toMatch(/^UnauthorizedOperation: 2 follow-up read\(s\) failed, first SearchTransitGatewayRoutes tgw-rtb-0/);
    expect(cov(inv, "DescribeManagedPrefixLists")).toMatchObject({ status: "partial", count: 2 });
    const spokes = inv.resources.find((r) => r.uid === arn("transit-gateway-route-table", "tgw-rtb-0spokes"));
    expect(spokes?.attributes).toMatchObject({ routesRead: false, associationsRead: true });
    expect(inv.routes.filter((r) => r.tableUid.includes("transit-gateway-route-table"))).toEqual([]);
    expect(inv.resources.find((r) => r.attributes.prefixListId === "pl-0admins")?.attributes).toMatchObject({ entriesRead: false, cidrs: [] });
    // The engine does not read "no routes known" as "no route": the path stays open, marked unknown.
    const r = canReach(buildNetworkModel(inv), arn("instance", "i-0corp"), arn("instance", "i-0vault"), 5432)!;
    expect(r.reachable).toBe(true);
    expect(r.hops.some((h) => h.action === "unknown" && h.detail.includes("were not read"))).toBe(true);
  });

  it("retries throttled calls (RequestLimitExceeded) of every new family and ends ok", async () => {
    const seen = new Set<string>();
    const retried = [...NEW, "SearchTransitGatewayRoutes", "GetManagedPrefixListEntries"];
    const { inv, server } = await discover({ throttle: (action) => retried.includes(action) && !seen.has(action) && !!seen.add(action) });
    expect(server.requests.filter((r) => r.status === 503).map((r) => r.action).sort()).toEqual([...retried].sort());
    expect(inv.coverage.every((c) => c.status === "ok")).toBe(true);
    expect(inv.routes.filter((r) => r.tableUid.includes("transit-gateway-route-table"))).toHaveLength(3);
  });
});
