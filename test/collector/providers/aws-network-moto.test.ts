import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Coverage, Resource, Route, Rule } from "../../../contract/index.js";
import { memoryLogger } from "../../../collector/src/log.js";
import { type AwsInventory, discoverAws } from "../../../collector/src/providers/aws/index.js";
import { buildNetworkModel } from "../../../worker/scope/reachability/model.js";
import { type Moto, startMoto } from "../fixtures/moto.js";

// Transit gateways, VPC endpoints, prefix lists, classic ELB, ECS and EKS: the real SDK clients against moto.
const SEED = readFileSync(join(import.meta.dirname, "../fixtures/moto-seed-network.py"), "utf8");
let moto: Moto;
let seed: Record<string, string>;
let inv: AwsInventory;

beforeAll(async () => {
  moto = await startMoto();
  seed = JSON.parse(moto.python(SEED));
  inv = await discoverAws({
    regions: ["us-east-1"],
    accountId: seed.account!,
    clientConfig: { endpoint: moto.url, credentials: { accessKeyId: "AKIAMOTOTEST", secretAccessKey: "x" } },
    maxAttempts: 2,
    log: memoryLogger(),
  });
}, 120_000);
afterAll(async () => {
  await moto?.close();
});

const arn = (type: string, id: string) => `arn:aws:ec2:us-east-1:${seed.account}:${type}/${id}`;
const find = (uid: string) => inv.resources.find((r) => r.uid === uid);

describe("AWS network and container families, against moto", () => {
  it("every new family reads ok into valid contract objects", () => {
    for (const r of inv.resources) Resource.parse(r);
    for (const r of inv.rules) Rule.parse(r);
    for (const r of inv.routes) Route.parse(r);
    for (const c of inv.coverage) Coverage.parse(c);
    const notOk = inv.coverage.filter((c) => c.status !== "ok");
    expect(notOk, JSON.stringify(notOk)).toEqual([]);
    const counts = Object.fromEntries(inv.coverage.map((c) => [c.service, c.count]));
    expect(counts).toMatchObject({
      "ec2:DescribeTransitGateways": 1,
      "ec2:DescribeTransitGatewayAttachments": 2,
      "ec2:DescribeTransitGatewayRouteTables": 1,
      "ec2:DescribeVpcEndpoints": 2,
      "elasticloadbalancing:DescribeLoadBalancers (classic)": 1,
      "ecs:ListClusters": 1,
      "eks:ListClusters": 1,
    });
  });

  it("a transit gateway is a gateway; its attachments name their VPC and route table; its table carries associations and routes", () => {
    const tgw = arn("transit-gateway", seed.tgw!);
    const table = arn("transit-gateway-route-table", seed.table!);
    expect(find(tgw)).toMatchObject({ kind: "gateway", account: seed.account, attributes: { gatewayType: "transit_gateway", transitGatewayId: seed.tgw, associationDefaultRouteTable: table } });
    expect(find(arn("transit-gateway-attachment", seed.attachPay!))).toMatchObject({
      kind: "peering",
      parent: tgw,
      network: { networks: [arn("vpc", seed.pay!)] },
      attributes: { peeringType: "transit_gateway_attachment", transitGateway: tgw, resourceType: "vpc", attachedNetwork: arn("vpc", seed.pay!), associatedRouteTable: table },
    });
    const rt = find(table);
    expect(rt).toMatchObject({ kind: "route_table", parent: tgw, attributes: { routeTableType: "transit_gateway", transitGateway: tgw, routesRead: true, associationsRead: true } });
    expect([...(rt?.attributes.associations as string[])].sort()).toEqual([arn("transit-gateway-attachment", seed.attachPay!), arn("transit-gateway-attachment", seed.attachShared!)].sort());
    const tgwRoutes = inv.routes.filter((r) => r.tableUid === table).map((r) => [r.destination, r.state]);
    expect(tgwRoutes.sort()).toEqual([["10.30.0.0/16", "active"], ["10.99.0.0/16", "blackhole"]]);
    // moto leaves the attachment off static routes (real AWS names it: see aws-transit.test.ts);
    // the blackhole route's target is a blackhole either way.
    expect(inv.routes.find((r) => r.tableUid === table && r.destination === "10.99.0.0/16")?.target).toEqual({ kind: "blackhole" });
    // The VPC's route to the gateway points at the gateway resource's uid.
    expect(inv.routes.find((r) => r.tableUid === arn("route-table", seed.payRouteTable!) && r.destination === "10.30.0.0/16")?.target).toEqual({ kind: "transit_gateway", uid: tgw });
  });

  it("VPC endpoints: the interface endpoint has subnets, groups and its interface's address; the gateway endpoint is the target of a prefix-list route", () => {
    const kms = find(arn("vpc-endpoint", seed.kmsEndpoint!));
    expect(kms).toMatchObject({
      kind: "endpoint",
      parent: arn("vpc", seed.pay!),
      network: { networks: [arn("vpc", seed.pay!)], subnets: [arn("subnet", seed.paySubnet!)], securityGroups: [arn("security-group", seed.sg!)] },
      attributes: { endpointType: "Interface", serviceName: "com.amazonaws.us-east-1.kms", privateDnsEnabled: true, policyAllowsAll: true },
    });
    expect(kms?.attributes.networkInterfaces).toHaveLength(1);
    // Its address comes from the interface DescribeNetworkInterfaces lists.
    const eni = find((kms?.attributes.networkInterfaces as string[])[0]!);
    expect(eni?.network.privateIps).toHaveLength(1);
    expect(kms?.network.privateIps).toEqual(eni?.network.privateIps);
    const s3 = find(arn("vpc-endpoint", seed.s3Endpoint!));
    expect(s3).toMatchObject({ kind: "endpoint", network: { subnets: [], securityGroups: [] }, attributes: { endpointType: "Gateway", routeTables: [arn("route-table", seed.payRouteTable!)] } });
    const plRoute = inv.routes.find((r) => r.target.kind === "endpoint" && r.target.uid === s3?.uid);
    expect(plRoute?.destination).toMatch(/^pl-/);
    // The route's prefix list is discovered (AWS-managed) under the same id.
    expect(inv.resources.find((r) => r.kind === "prefix_list" && r.attributes.prefixListId === plRoute?.destination)).toMatchObject({ attributes: { awsManaged: true, entriesRead: true } });
  });

  it("a security-group rule naming a prefix list resolves to the list's CIDRs in the scope engine's model", () => {
    const office = inv.resources.find((r) => r.kind === "prefix_list" && r.attributes.prefixListId === seed.office);
    expect(office).toMatchObject({ uid: arn("prefix-list", seed.office!), attributes: { prefixListName: "office", awsManaged: false, cidrs: ["203.0.113.0/24", "198.51.100.0/24"] } });
    const rule = inv.rules.find((r) => r.ownerUid === arn("security-group", seed.sg!) && r.direction === "ingress");
    expect(rule?.peer).toEqual({ kind: "prefix_list", value: seed.office });
    const model = buildNetworkModel(inv);
    const parsed = model.rules.get(arn("security-group", seed.sg!))?.ingress.find((p) => p.rule.id === rule?.id);
    expect(parsed?.peer.kind).toBe("cidr");
    expect(parsed?.peer.kind === "cidr" ? parsed.peer.ranges.map((r) => r.prefix) : []).toEqual([24, 24]);
  });

  it("a classic load balancer targets its instances, like ELBv2", () => {
    expect(find(`arn:aws:elasticloadbalancing:us-east-1:${seed.account}:loadbalancer/legacy-checkout`)).toMatchObject({
      kind: "load_balancer",
      network: { networks: [arn("vpc", seed.pay!)], subnets: [arn("subnet", seed.paySubnet!)], securityGroups: [arn("security-group", seed.sg!)] },
      attributes: { type: "classic", scheme: "internet-facing", internetFacing: true, targets: [arn("instance", seed.instance!)], ports: ["HTTP/8080"], listenerPorts: ["HTTP/80"] },
    });
  });

  it("an ECS awsvpc service is a container service in its subnets behind its groups; an EKS cluster carries its public endpoint", () => {
    expect(find(seed.service!)).toMatchObject({
      kind: "container_service",
      name: "tokenizer",
      tags: { pci: "cde" },
      parent: `arn:aws:ecs:us-east-1:${seed.account}:cluster/payments`,
      network: { subnets: [arn("subnet", seed.paySubnet!)], securityGroups: [arn("security-group", seed.sg!)] },
      attributes: { networkMode: "awsvpc", launchType: "FARGATE", assignPublicIp: false, desiredCount: 2 },
    });
    expect(find(seed.cluster!)).toMatchObject({
      kind: "k8s_cluster",
      name: "cards",
      network: { subnets: [arn("subnet", seed.paySubnet!)], securityGroups: [arn("security-group", seed.sg!)] },
      attributes: { endpointPublicAccess: true, endpointPrivateAccess: false, publicAccessCidrs: ["0.0.0.0/0"], publicEndpointOpenToInternet: true },
    });
  });
});
