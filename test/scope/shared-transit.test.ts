import { describe, expect, it } from "vitest";
import { Resource } from "../../contract/index.js";
import { transitGatewayAttachments, transitGateways } from "../../collector/src/providers/aws/transit-gateways.js";
import { classify } from "../../worker/scope/classify.js";
import { host, ingress, input, routeTable, subnet } from "./builders.js";

// A transit gateway owned by a network account and shared (RAM) with the payments account:
// the collector inventories it under its owner's ARN, the payments VPC's route table names it
// under the payments account's.
const NETWORK = "999988887777";
const PAYMENTS = "111122223333";
const ctx = { region: "eu-west-1", account: NETWORK };
const arn = (type: string, id: string, account: string) => `arn:aws:ec2:eu-west-1:${account}:${type}/${id}`;
const PAY = arn("vpc", "vpc-pay", PAYMENTS);

function scenario(routeAccount: string) {
  const gw = transitGateways.transform([{ TransitGatewayId: "tgw-shared", OwnerId: NETWORK, State: "available" }], ctx);
  const att = transitGatewayAttachments.transform([{ TransitGatewayAttachmentId: "tgw-attach-pay", TransitGatewayId: "tgw-shared", TransitGatewayOwnerId: NETWORK, ResourceOwnerId: PAYMENTS, ResourceType: "vpc", ResourceId: "vpc-pay", State: "available" }], ctx);
  const pay = routeTable("rt-pay", PAY, ["sn-pay"], [["10.10.0.0/16", "local"], ["10.0.0.0/8", "transit_gateway", arn("transit-gateway", "tgw-shared", routeAccount)]]);
  const resources = [
    subnet("sn-pay", PAY, "10.10.1.0/24"), pay.table,
    host("db", { kind: "database", subnet: "sn-pay", network: PAY, groups: ["sg-db"], ip: "10.10.1.20", tags: { "pci:scope": "cde" } }),
    ...[...gw.resources, ...att.resources].map((r) => Resource.parse(r)),
  ];
  return classify(input({ resources, rules: [ingress("sg-db", { kind: "cidr", value: "10.0.0.0/8" }, { from: 5432 })], routes: pay.routes }));
}

describe("a transit gateway shared from another account", () => {
  const TGW = arn("transit-gateway", "tgw-shared", NETWORK);

  it("is in the CDE path when the CDE's route table names it under the CDE account's ARN (matched by its id)", () => {
    const d = scenario(PAYMENTS).get(TGW)!;
    expect(d).toMatchObject({ scope: "cde" });
    expect(d.reasons[0]!.rule).toBe("cde.in_path");
    expect(d.reasons[0]!.evidence).toContainEqual(expect.objectContaining({ type: "route", routeId: "rt-pay#10.0.0.0/8" }));
    expect(d.reasons[0]!.evidence).toContainEqual(expect.objectContaining({ type: "resource", uid: "db", relation: expect.stringContaining("shared from another account") }));
  });

  it("is in the CDE path as before when the route names it under its owner's ARN", () => {
    expect(scenario(NETWORK).get(TGW)!.reasons[0]!.rule).toBe("cde.in_path");
  });
});
