import { describe, expect, it } from "vitest";
import type { Resource, Route, Rule } from "../../contract/index.js";
import { buildNetworkModel, canReach, internetExposure } from "../../worker/scope/reachability/index.js";
import { aclEntry, egressRule, host, infra, ingress, nacl, peering, routeTable, subnet } from "./builders.js";

/** payments VPC (app and db subnets) peered to corp; the db admits the app tier and corp finance on 5432. */
function network(o: { extraRules?: Rule[]; extraResources?: Resource[]; payRoutes?: Array<[string, Route["target"]["kind"], string?]>; corpRoutes?: Array<[string, Route["target"]["kind"], string?]> } = {}) {
  const pay = routeTable("rt-pay", "vpc-pay", ["sn-app", "sn-db"], o.payRoutes ?? [["10.10.0.0/16", "local"], ["10.30.0.0/16", "peering", "pcx"]]);
  const corp = routeTable("rt-corp", "vpc-corp", ["sn-corp"], o.corpRoutes ?? [["10.30.0.0/16", "local"], ["10.10.0.0/16", "peering", "pcx"]]);
  const resources = [
    infra("vpc-pay", "network"), infra("vpc-corp", "network"),
    subnet("sn-app", "vpc-pay", "10.10.2.0/24"), subnet("sn-db", "vpc-pay", "10.10.3.0/24"), subnet("sn-corp", "vpc-corp", "10.30.1.0/24"),
    pay.table, corp.table, peering("pcx", "vpc-pay", "vpc-corp"),
    host("db", { kind: "database", subnet: "sn-db", network: "vpc-pay", groups: ["sg-db"], ip: "10.10.3.20" }),
    host("app", { subnet: "sn-app", network: "vpc-pay", groups: ["sg-app"], ip: "10.10.2.11" }),
    host("corp", { subnet: "sn-corp", network: "vpc-corp", groups: ["sg-corp"], ip: "10.30.1.10" }),
    ...(o.extraResources ?? []),
  ];
  const rules = [
    ingress("sg-db", { kind: "group", value: "sg-app" }, { from: 5432 }),
    ingress("sg-db", { kind: "cidr", value: "10.30.1.0/24" }, { from: 5432 }),
    ingress("sg-corp", { kind: "cidr", value: "10.10.0.0/16" }, { from: 443 }),
    ...(o.extraRules ?? []),
  ];
  return buildNetworkModel({ resources, rules, routes: [...pay.routes, ...corp.routes] });
}

describe("security groups (stateful, allow-only on AWS)", () => {
  it("allow: every hop names the rule or route that allowed it", () => {
    const r = canReach(network(), "app", "db", 5432)!;
    expect(r.reachable).toBe(true);
    expect(r.hops.map((h) => h.step)).toEqual(["source_egress", "route", "destination_ingress"]);
    // No egress rules received for sg-app: the default allow-all egress is assumed, and said so.
    expect(r.hops[0]).toMatchObject({ action: "implicit_allow", control: "sg-app" });
    expect(r.hops.at(-1)).toMatchObject({ action: "allow", control: "sg-db", ruleId: expect.stringContaining("sg-db#ingress") });
  });
  it("a port no rule admits is blocked by the group (implicit deny)", () => {
    const r = canReach(network(), "app", "db", 22)!;
    expect(r).toMatchObject({ reachable: false, blockedBy: { step: "destination_ingress", action: "implicit_deny", control: "sg-db" } });
  });
  it("any port: the first protocol and ports that get through", () => {
    expect(canReach(network(), "app", "db")).toMatchObject({ reachable: true, protocol: "tcp", ports: "5432", port: 5432 });
  });
  it("egress rules of the source count once received", () => {
    const closed = network({ extraRules: [egressRule("sg-app", { kind: "cidr", value: "192.0.2.0/24" })] });
    expect(canReach(closed, "app", "db", 5432)).toMatchObject({ reachable: false, blockedBy: { step: "source_egress" } });
  });
  it("an unknown uid gives undefined", () => {
    expect(canReach(network(), "app", "nowhere", 5432)).toBeUndefined();
  });
});

describe("network ACLs (stateless, ordered, both directions)", () => {
  const acl = (entries: Rule[]) => network({ extraResources: [nacl("acl-db", "vpc-pay", ["sn-db"])], extraRules: entries });
  it("the reply on ephemeral ports must be allowed out of the destination subnet", () => {
    const noReturn = acl([aclEntry("acl-db", "ingress", 100, "10.10.0.0/16", "allow"), aclEntry("acl-db", "egress", 100, "0.0.0.0/0", "allow", { protocol: "tcp", from: 443 })]);
    expect(canReach(noReturn, "app", "db", 5432)).toMatchObject({ reachable: false, blockedBy: { step: "destination_acl_return", action: "implicit_deny" } });
    const withReturn = acl([aclEntry("acl-db", "ingress", 100, "10.10.0.0/16", "allow"), aclEntry("acl-db", "egress", 100, "0.0.0.0/0", "allow", { protocol: "tcp", from: 1024, to: 65535 })]);
    const r = canReach(withReturn, "app", "db", 5432)!;
    expect(r.reachable).toBe(true);
    expect(r.hops.map((h) => h.step)).toContain("destination_acl_return");
  });
  it("the lowest rule number wins: a deny before an allow blocks", () => {
    const m = acl([
      aclEntry("acl-db", "ingress", 100, "10.10.2.11/32", "deny"), aclEntry("acl-db", "ingress", 200, "0.0.0.0/0", "allow"),
      aclEntry("acl-db", "egress", 100, "0.0.0.0/0", "allow"),
    ]);
    expect(canReach(m, "app", "db", 5432)).toMatchObject({ reachable: false, blockedBy: { step: "destination_acl_ingress", action: "deny", ruleId: "acl-db#ingress#100#10.10.2.11/32" } });
  });
  it("within one subnet a NACL does not apply", () => {
    const m = buildNetworkModel({
      resources: [subnet("sn", "vpc", "10.0.0.0/24"), nacl("acl", "vpc", ["sn"]), host("a", { subnet: "sn", network: "vpc", groups: ["sg"], ip: "10.0.0.1" }), host("b", { subnet: "sn", network: "vpc", groups: ["sg"], ip: "10.0.0.2" })],
      rules: [aclEntry("acl", "ingress", 100, "0.0.0.0/0", "deny"), ingress("sg", { kind: "group", value: "sg" }, { from: 80 })], routes: [],
    });
    expect(canReach(m, "a", "b", 80)!.reachable).toBe(true);
  });
});

describe("routes, peering and return routes", () => {
  it("across a peering both ways, with the forward and the return route", () => {
    const m = network();
    const r = canReach(m, "corp", "db", 5432)!;
    expect(r.reachable).toBe(true);
    expect(r.hops.filter((h) => h.step === "route" || h.step === "return_route").map((h) => h.ruleId)).toEqual(["rt-corp#10.10.0.0/16", "rt-pay#10.30.0.0/16"]);
    expect(canReach(m, "db", "corp", 443)!.reachable).toBe(true);
  });
  it("no return route: blocked", () => {
    const m = network({ payRoutes: [["10.10.0.0/16", "local"]] });
    expect(canReach(m, "corp", "db", 5432)).toMatchObject({ reachable: false, blockedBy: { step: "return_route", action: "no_route" } });
  });
  it("longest prefix wins: a more specific blackhole route blocks", () => {
    const m = network({ corpRoutes: [["10.30.0.0/16", "local"], ["10.10.0.0/16", "peering", "pcx"], ["10.10.3.0/24", "blackhole"]] });
    expect(canReach(m, "corp", "db", 5432)).toMatchObject({ reachable: false, blockedBy: { ruleId: "rt-corp#10.10.3.0/24" } });
  });
  it("a default route to an internet gateway does not reach a private address in another network", () => {
    const m = network({ corpRoutes: [["10.30.0.0/16", "local"], ["0.0.0.0/0", "internet_gateway", "igw"]] });
    expect(canReach(m, "corp", "db", 5432)).toMatchObject({ reachable: false, blockedBy: { step: "route", action: "no_route" } });
  });
  it("transit gateway routes both ways count (its own route tables are assumed to connect attachments)", () => {
    const m = network({ payRoutes: [["10.10.0.0/16", "local"], ["10.30.0.0/16", "transit_gateway", "tgw"]], corpRoutes: [["10.30.0.0/16", "local"], ["10.10.0.0/16", "transit_gateway", "tgw"]] });
    expect(canReach(m, "corp", "db", 5432)!.reachable).toBe(true);
  });
});

describe("Azure NSGs and GCP firewalls: deny rules and priority", () => {
  const azure = (rules: Rule[]) => buildNetworkModel({
    resources: [
      host("vm", { provider: "azure", network: "vnet", subnet: "sn-a", groups: ["nsg"], ip: "10.1.0.4" }),
      host("client", { provider: "azure", network: "vnet", subnet: "sn-b", groups: [], ip: "10.1.1.4" }),
    ],
    rules, routes: [],
  });
  const rule = (action: "allow" | "deny", priority: number): Rule => ({ ...ingress("nsg", { kind: "cidr", value: "10.1.1.0/24" }, { from: 443, action }), priority });
  it("the lower priority number wins", () => {
    expect(canReach(azure([rule("deny", 100), rule("allow", 200)]), "client", "vm", 443)).toMatchObject({ reachable: false, blockedBy: { action: "deny" } });
    expect(canReach(azure([rule("deny", 300), rule("allow", 200)]), "client", "vm", 443)!.reachable).toBe(true);
  });
  it("Azure's default AllowVnetInBound admits private traffic no rule matched", () => {
    expect(canReach(azure([rule("deny", 100)]), "client", "vm", 8080)!.reachable).toBe(true);
  });
  it("GCP: implied allow egress, implied deny ingress", () => {
    const m = buildNetworkModel({
      resources: [
        host("a", { provider: "gcp", network: "net", subnet: "sn", groups: ["fw-a"], ip: "10.2.0.2" }),
        host("b", { provider: "gcp", network: "net", subnet: "sn", groups: ["fw-b"], ip: "10.2.0.3" }),
      ],
      rules: [egressRule("fw-a", { kind: "cidr", value: "192.0.2.0/24" }, { action: "deny", priority: 900 }), { ...ingress("fw-b", { kind: "group", value: "fw-a" }, { from: 8443 }), priority: 1000 }],
      routes: [],
    });
    expect(canReach(m, "a", "b", 8443)!.reachable).toBe(true);
    expect(canReach(m, "a", "b", 22)).toMatchObject({ reachable: false, blockedBy: { action: "implicit_deny" } });
  });
});

describe("internet exposure", () => {
  const exposed = (o: { route?: boolean; cidr?: string; lb?: boolean } = {}) => {
    const rt = routeTable("rt-web", "vpc", ["sn-web"], [["10.0.0.0/16", "local"], ...(o.route === false ? [] : [["0.0.0.0/0", "internet_gateway", "igw"] as [string, "internet_gateway", string]])]);
    return buildNetworkModel({
      resources: [
        subnet("sn-web", "vpc", "10.0.1.0/24"), rt.table, infra("igw", "gateway"),
        host("web", { subnet: "sn-web", network: "vpc", groups: ["sg-web"], ip: "10.0.1.10", ...(o.lb ? {} : { publicIp: "203.0.113.10" }) }),
        ...(o.lb ? [host("alb", { kind: "load_balancer", subnet: "sn-web", network: "vpc", groups: ["sg-alb"], ip: "10.0.1.5", attributes: { scheme: "internet-facing", targets: ["web"] } })] : []),
      ],
      rules: o.lb
        ? [ingress("sg-alb", { kind: "cidr", value: "0.0.0.0/0" }), ingress("sg-web", { kind: "group", value: "sg-alb" }, { from: 8080 })]
        : [ingress("sg-web", { kind: "cidr", value: o.cidr ?? "0.0.0.0/0" })],
      routes: rt.routes,
    });
  };
  it("public IP + allow from 0.0.0.0/0 + default route to an internet gateway", () => {
    const x = internetExposure(exposed(), "web")!;
    expect(x).toMatchObject({ uid: "web", entryPoint: "web", via: [], protocol: "tcp", ports: "443" });
    expect(x.hops.map((h) => h.step)).toEqual(["internet_gateway", "destination_ingress"]);
  });
  it("no route to an internet gateway, or a group open only to an office range: not exposed", () => {
    expect(internetExposure(exposed({ route: false }), "web")).toBeNull();
    expect(internetExposure(exposed({ cidr: "198.51.100.0/24" }), "web")).toBeNull();
  });
  it("through an internet-facing load balancer that targets it", () => {
    const x = internetExposure(exposed({ lb: true }), "web")!;
    expect(x).toMatchObject({ entryPoint: "alb", via: ["alb"] });
    expect(x.hops.map((h) => h.step)).toContain("load_balancer");
  });
});
