import type { TransitGatewayAttachment, TransitGatewayRoute } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { Resource, Route, type Rule } from "../../contract/index.js";
import { prefixLists } from "../../collector/src/providers/aws/prefix-lists.js";
import { transitGatewayAttachments, transitGatewayRouteTables, transitGateways } from "../../collector/src/providers/aws/transit-gateways.js";
import { buildNetworkModel, canReach } from "../../worker/scope/reachability/index.js";
import { egressRule, host, ingress, routeTable, subnet } from "./builders.js";

// Transit gateway paths, with the gateway, its attachments and route tables exactly as the
// collector's transforms emit them from EC2's answers, and the VPC side from the builders.
const ACCOUNT = "111122223333";
const ctx = { region: "eu-west-1", account: ACCOUNT };
const arn = (type: string, id: string, account = ACCOUNT) => `arn:aws:ec2:eu-west-1:${account}:${type}/${id}`;
const PAY = arn("vpc", "vpc-pay");
const CORP = arn("vpc", "vpc-corp");
const TGW = arn("transit-gateway", "tgw-1");
const SPOKES = arn("transit-gateway-route-table", "tgw-rtb-spokes");
const CDE = arn("transit-gateway-route-table", "tgw-rtb-cde");

interface Options {
  /** Routes of the table associated with corp's attachment (corp → pay direction). */
  spokes?: TransitGatewayRoute[];
  /** Routes of the table associated with pay's attachment (the replies). */
  cde?: TransitGatewayRoute[];
  attachments?: TransitGatewayAttachment[];
  spokesRoutesRead?: boolean;
  /** Leave the gateway's attachments and tables out (an older collector, or DescribeTransitGateway* denied). */
  noTransitData?: boolean;
  /** The account whose ARN the VPC route tables give the gateway (a gateway shared through RAM). */
  routeAccount?: string;
  extra?: { resources?: Resource[]; rules?: Rule[]; routes?: Route[] };
}

const toAttachment = (id: string, cidr: string) => ({ DestinationCidrBlock: cidr, State: "active", Type: "static", TransitGatewayAttachments: [{ TransitGatewayAttachmentId: id, ResourceId: id === "tgw-attach-pay" ? "vpc-pay" : "vpc-corp", ResourceType: "vpc" }] }) as TransitGatewayRoute;
const blackhole = (cidr: string) => ({ DestinationCidrBlock: cidr, State: "blackhole", Type: "static" }) as TransitGatewayRoute;
const attachment = (id: string, vpc: string, table?: string): TransitGatewayAttachment => ({
  TransitGatewayAttachmentId: id, TransitGatewayId: "tgw-1", TransitGatewayOwnerId: ACCOUNT, ResourceOwnerId: ACCOUNT, ResourceType: "vpc", ResourceId: vpc, State: "available",
  ...(table ? { Association: { TransitGatewayRouteTableId: table, State: "associated" } } : {}),
});

function network(o: Options = {}) {
  const tgwRef = arn("transit-gateway", "tgw-1", o.routeAccount ?? ACCOUNT);
  const pay = routeTable("rt-pay", PAY, ["sn-pay"], [["10.10.0.0/16", "local"], ["10.30.0.0/16", "transit_gateway", tgwRef]]);
  const corp = routeTable("rt-corp", CORP, ["sn-corp"], [["10.30.0.0/16", "local"], ["10.10.0.0/16", "transit_gateway", tgwRef]]);
  const resources: Resource[] = [
    subnet("sn-pay", PAY, "10.10.1.0/24"), subnet("sn-corp", CORP, "10.30.1.0/24"), pay.table, corp.table,
    host("db", { kind: "database", subnet: "sn-pay", network: PAY, groups: ["sg-db"], ip: "10.10.1.20" }),
    host("corp", { subnet: "sn-corp", network: CORP, groups: ["sg-corp"], ip: "10.30.1.10" }),
    ...(o.extra?.resources ?? []),
  ];
  const rules = [ingress("sg-db", { kind: "cidr", value: "10.30.0.0/16" }, { from: 5432 }), egressRule("sg-corp", { kind: "cidr", value: "0.0.0.0/0" }), ...(o.extra?.rules ?? [])];
  const routes = [...pay.routes, ...corp.routes, ...(o.extra?.routes ?? [])];
  if (!o.noTransitData) {
    const gw = transitGateways.transform([{ TransitGatewayId: "tgw-1", OwnerId: ACCOUNT, State: "available" }], ctx);
    const atts = transitGatewayAttachments.transform(o.attachments ?? [attachment("tgw-attach-pay", "vpc-pay", "tgw-rtb-cde"), attachment("tgw-attach-corp", "vpc-corp", "tgw-rtb-spokes")], ctx);
    const tables = transitGatewayRouteTables.transform(
      [
        { table: { TransitGatewayRouteTableId: "tgw-rtb-spokes", TransitGatewayId: "tgw-1", State: "available" }, routes: o.spokesRoutesRead === false ? undefined : (o.spokes ?? [toAttachment("tgw-attach-pay", "10.10.0.0/16")]) },
        { table: { TransitGatewayRouteTableId: "tgw-rtb-cde", TransitGatewayId: "tgw-1", State: "available" }, routes: o.cde ?? [toAttachment("tgw-attach-corp", "10.30.0.0/16")] },
      ],
      ctx,
    );
    for (const d of [gw, atts, tables]) {
      resources.push(...d.resources.map((r) => Resource.parse(r)));
      routes.push(...d.routes.map((r) => Route.parse(r)));
    }
  }
  return buildNetworkModel({ resources, rules, routes });
}

describe("transit gateway route tables decide paths between attached VPCs", () => {
  it("a route in the table associated with the source's attachment, and one back: reachable, each hop naming the gateway route", () => {
    const r = canReach(network(), "corp", "db", 5432)!;
    expect(r).toMatchObject({ reachable: true, protocol: "tcp", ports: "5432" });
    const transit = r.hops.filter((h) => h.control === SPOKES || h.control === CDE);
    expect(transit).toEqual([
      { step: "route", control: SPOKES, ruleId: `${SPOKES}#10.10.0.0/16`, action: "route", detail: `transit gateway route 10.10.0.0/16 in ${SPOKES} → ${arn("transit-gateway-attachment", "tgw-attach-pay")} (${PAY})` },
      { step: "return_route", control: CDE, ruleId: `${CDE}#10.30.0.0/16`, action: "route", detail: `transit gateway route 10.30.0.0/16 in ${CDE} → ${arn("transit-gateway-attachment", "tgw-attach-corp")} (${CORP})` },
    ]);
    expect(r.hops.some((h) => h.detail.includes("assumed to connect"))).toBe(false);
  });

  it("a more specific blackhole route in the gateway table blocks, and is named", () => {
    const r = canReach(network({ spokes: [toAttachment("tgw-attach-pay", "10.10.0.0/16"), blackhole("10.10.1.0/24")] }), "corp", "db", 5432)!;
    expect(r).toMatchObject({ reachable: false, blockedBy: { step: "route", control: SPOKES, ruleId: `${SPOKES}#10.10.1.0/24`, action: "no_route" } });
    expect(r.blockedBy?.detail).toMatch(/^blackhole transit gateway route 10\.10\.1\.0\/24/);
  });

  it("no route to the destination in the source attachment's table blocks", () => {
    expect(canReach(network({ spokes: [toAttachment("tgw-attach-pay", "10.20.0.0/16")] }), "corp", "db", 5432)).toMatchObject({
      reachable: false, blockedBy: { step: "route", control: SPOKES, action: "no_route", detail: `no route in transit gateway table ${SPOKES} to ${PAY}` },
    });
  });

  it("no route back in the destination attachment's table blocks the return", () => {
    expect(canReach(network({ cde: [] }), "corp", "db", 5432)).toMatchObject({ reachable: false, blockedBy: { step: "return_route", control: CDE, action: "no_route" } });
  });

  it("an attachment associated with no table drops what enters through it", () => {
    const r = canReach(network({ attachments: [attachment("tgw-attach-pay", "vpc-pay", "tgw-rtb-cde"), attachment("tgw-attach-corp", "vpc-corp")] }), "corp", "db", 5432)!;
    expect(r).toMatchObject({ reachable: false, blockedBy: { step: "route", control: arn("transit-gateway-attachment", "tgw-attach-corp"), action: "no_route" } });
  });

  it("a VPC with no attachment to the gateway its route names cannot use it", () => {
    const r = canReach(network({ attachments: [attachment("tgw-attach-pay", "vpc-pay", "tgw-rtb-cde")] }), "corp", "db", 5432)!;
    expect(r).toMatchObject({ reachable: false, blockedBy: { step: "route", control: TGW, action: "no_route", detail: `${CORP} has no attachment to ${TGW}` } });
  });

  it("routes that could not be read are not taken for 'no route': the hop says so and the path stays open", () => {
    const r = canReach(network({ spokesRoutesRead: false }), "corp", "db", 5432)!;
    expect(r.reachable).toBe(true);
    expect(r.hops.find((h) => h.control === SPOKES)).toMatchObject({ step: "route", action: "unknown" });
  });

  it("a gateway route to a third VPC's attachment (an inspection VPC) is marked as not evaluated further, not as a path or a block", () => {
    const inspection = attachment("tgw-attach-insp", "vpc-insp", "tgw-rtb-spokes");
    const r = canReach(network({
      attachments: [attachment("tgw-attach-pay", "vpc-pay", "tgw-rtb-cde"), attachment("tgw-attach-corp", "vpc-corp", "tgw-rtb-spokes"), inspection],
      spokes: [{ ...toAttachment("tgw-attach-insp", "0.0.0.0/0") }],
    }), "corp", "db", 5432)!;
    expect(r.reachable).toBe(true);
    expect(r.hops.find((h) => h.control === SPOKES)).toMatchObject({ action: "unknown", ruleId: `${SPOKES}#0.0.0.0/0` });
    expect(r.hops.find((h) => h.control === SPOKES)?.detail).toContain(arn("vpc", "vpc-insp"));
  });

  it("without any attachment data the gateway is still assumed to connect (as before)", () => {
    const r = canReach(network({ noTransitData: true }), "corp", "db", 5432)!;
    expect(r.reachable).toBe(true);
    expect(r.hops.some((h) => h.action === "unknown" && h.detail.includes("assumed to connect its attachments"))).toBe(true);
  });

  it("a gateway shared from another account, named under the VPC owner's account in its route tables, is still evaluated", () => {
    const m = network({ routeAccount: "999988887777", spokes: [blackhole("10.10.0.0/16")] });
    expect(canReach(m, "corp", "db", 5432)).toMatchObject({ reachable: false, blockedBy: { control: SPOKES, ruleId: `${SPOKES}#10.10.0.0/16` } });
  });
});

describe("prefix lists in routes and rules resolve to every CIDR they hold", () => {
  const list = prefixLists.transform([{ list: { PrefixListId: "pl-0partners", PrefixListName: "partners", OwnerId: ACCOUNT, AddressFamily: "IPv4", State: "create-complete" }, entries: [{ Cidr: "10.50.0.0/16" }, { Cidr: "10.60.0.0/16" }] }], ctx).resources;

  it("a route whose destination is a prefix list matches its second CIDR too", () => {
    const partner = routeTable("rt-partner", arn("vpc", "vpc-partner"), ["sn-partner"], [["10.60.0.0/16", "local"], ["10.10.0.0/16", "transit_gateway", TGW]]);
    const m = network({
      noTransitData: true,
      extra: {
        resources: [...list, subnet("sn-partner", arn("vpc", "vpc-partner"), "10.60.1.0/24"), partner.table, host("partner", { subnet: "sn-partner", network: arn("vpc", "vpc-partner"), groups: ["sg-partner"], ip: "10.60.1.5" })],
        rules: [ingress("sg-partner", { kind: "cidr", value: "10.10.0.0/16" }, { from: 443 })],
        routes: [...partner.routes, Route.parse({ id: "rt-pay#pl-0partners", tableUid: "rt-pay", destination: "pl-0partners", target: { kind: "transit_gateway", uid: TGW } })],
      },
    });
    const r = canReach(m, "db", "partner", 443)!;
    expect(r.reachable, JSON.stringify(r.blockedBy)).toBe(true);
    expect(r.hops.find((h) => h.step === "route" && h.ruleId === "rt-pay#pl-0partners")).toBeDefined();
  });

  it("a security-group rule naming the list admits an address in any of its CIDRs, and only those", () => {
    const m = network({
      noTransitData: true,
      extra: { resources: list, rules: [ingress("sg-db", { kind: "prefix_list", value: "pl-0partners" }, { from: 22 })] },
    });
    // corp (10.30.1.10) is not in the list: 22 stays closed while 5432 (its own rule) is open.
    expect(canReach(m, "corp", "db", 22)).toMatchObject({ reachable: false, blockedBy: { step: "destination_ingress" } });
    const model = buildNetworkModel({ resources: list, rules: [ingress("sg-x", { kind: "prefix_list", value: "pl-0partners" }, { from: 22 })], routes: [] });
    const peer = model.rules.get("sg-x")!.ingress[0]!.peer;
    expect(peer.kind === "cidr" ? peer.ranges.map((x) => x.prefix) : peer.kind).toEqual([16, 16]);
  });
});
