import { describe, expect, it } from "vitest";
import type { Resource, Route, Rule } from "../../contract/index.js";
import { classifyWithModel } from "../../worker/scope/classify.js";
import { canReach } from "../../worker/scope/reachability/index.js";
import type { ClassifierInput, ScopeDecision } from "../../worker/scope/types.js";
import { findViolations } from "../../worker/scope/violations.js";
import { allowAllFromSelf, edge, host, infra, ingress, input, peering, routeTable, subnet } from "./builders.js";

/** Whole small networks, configured the way the collector sends them (subnet CIDRs, route tables, groups). */
function vpc(id: string, cidr: string, subnets: Array<[string, string]>, routes: Array<[string, Route["target"]["kind"], string?]>) {
  const rt = routeTable(`rt-${id}`, id, subnets.map((s) => s[0]), [[cidr, "local"], ...routes]);
  return { resources: [infra(id, "network"), rt.table, ...subnets.map(([s, c]) => subnet(s, id, c))] as Resource[], routes: rt.routes };
}

function run(resources: Resource[], rules: Rule[], routes: Route[], extra: Partial<ClassifierInput> = {}) {
  const i = input({ resources, rules, routes, ...extra });
  const { decisions, model } = classifyWithModel(i);
  const get = (uid: string): ScopeDecision => decisions.get(uid) ?? (() => { throw new Error(uid); })();
  return { i, decisions, model, get, violations: findViolations(i, decisions, model) };
}

const controlEvidence = (d: ScopeDecision) => d.reasons[0]!.evidence.filter((e) => e.type !== "absence");

describe("hub and spoke with a shared-services VPC", () => {
  const hub = vpc("vpc-hub", "10.0.0.0/16", [["sn-hub", "10.0.1.0/24"]], [["10.10.0.0/16", "transit_gateway", "tgw"], ["10.30.0.0/16", "transit_gateway", "tgw"]]);
  const pay = vpc("vpc-pay", "10.10.0.0/16", [["sn-pay", "10.10.1.0/24"]], [["10.0.0.0/16", "transit_gateway", "tgw"]]);
  const corp = vpc("vpc-corp", "10.30.0.0/16", [["sn-corp", "10.30.1.0/24"]], [["10.0.0.0/16", "transit_gateway", "tgw"]]);
  const resources = [
    ...hub.resources, ...pay.resources, ...corp.resources,
    host("db", { kind: "database", subnet: "sn-pay", network: "vpc-pay", groups: ["sg-db"], ip: "10.10.1.20", tags: { "pci:scope": "cde" } }),
    host("dns", { subnet: "sn-hub", network: "vpc-hub", groups: ["sg-shared"], ip: "10.0.1.10" }),
    host("hr", { subnet: "sn-corp", network: "vpc-corp", groups: ["sg-corp"], ip: "10.30.1.10" }),
  ];
  const rules = [
    ingress("sg-shared", { kind: "cidr", value: "10.0.0.0/8" }, { protocol: "udp", from: 53 }),
    ingress("sg-db", { kind: "cidr", value: "10.0.0.0/8" }, { from: 5432 }),
    ingress("sg-corp", { kind: "cidr", value: "10.0.0.0/8" }, { from: 443 }),
  ];
  const net = run(resources, rules, [...hub.routes, ...pay.routes, ...corp.routes]);

  it("the shared DNS the CDE can query is connected by configuration, and security_impacting once the flow is seen", () => {
    expect(net.get("dns")).toMatchObject({ scope: "connected", confidence: 0.6 });
    expect(net.get("dns").reasons[0]!.summary).toContain("udp/53");
    const db = resources.find((r) => r.uid === "db")!;
    const dns = resources.find((r) => r.uid === "dns")!;
    const seen = run(resources, rules, [...hub.routes, ...pay.routes, ...corp.routes], { edges: [edge(db, dns, { port: 53, protocol: 17 })] });
    expect(seen.get("dns").scope).toBe("security_impacting");
  });
  it("a spoke with no route to the payment spoke is out of scope, and the decision names the route table that blocks it", () => {
    const d = net.get("hr");
    expect(d.scope).toBe("out_of_scope");
    expect(controlEvidence(d)).toContainEqual(expect.objectContaining({ type: "resource", uid: "rt-vpc-corp" }));
    expect(canReach(net.model, "hr", "db", 5432)).toMatchObject({ reachable: false, blockedBy: { control: "rt-vpc-corp", action: "no_route" } });
  });
  it("the transit gateway in the CDE's route table is in the CDE path (when inventoried)", () => {
    const withTgw = run([...resources, infra("tgw", "gateway")], rules, [...hub.routes, ...pay.routes, ...corp.routes]);
    expect(withTgw.get("tgw")).toMatchObject({ scope: "cde", confidence: 0.7 });
    expect(withTgw.get("tgw").reasons[0]!.rule).toBe("cde.in_path");
  });
});

describe("flat network with no segmentation", () => {
  it("one allow-all default group: the subnet's systems are CDE; another subnet of the VPC is connected by configuration", () => {
    const v = vpc("vpc", "10.0.0.0/16", [["sn-a", "10.0.1.0/24"], ["sn-b", "10.0.2.0/24"]], []);
    const net = run([
      ...v.resources,
      host("db", { kind: "database", subnet: "sn-a", network: "vpc", groups: ["sg-default"], ip: "10.0.1.5", tags: { "pci:scope": "cde" } }),
      host("web", { subnet: "sn-a", network: "vpc", groups: ["sg-default"], ip: "10.0.1.6" }),
      host("batch", { subnet: "sn-b", network: "vpc", groups: ["sg-default"], ip: "10.0.2.6" }),
    ], [allowAllFromSelf("sg-default")], v.routes);
    expect(net.get("web")).toMatchObject({ scope: "cde", confidence: 0.7 });
    expect(net.get("batch")).toMatchObject({ scope: "connected", confidence: 0.6 });
    expect(net.get("batch").reasons[0]!.summary).toContain("all ports");
  });
});

describe("payment VPC peered to analytics", () => {
  const setup = (returnRoute: boolean) => {
    const pay = vpc("vpc-pay", "10.10.0.0/16", [["sn-pay", "10.10.3.0/24"]], returnRoute ? [["10.40.0.0/16", "peering", "pcx"]] : []);
    const an = vpc("vpc-an", "10.40.0.0/16", [["sn-an", "10.40.1.0/24"]], [["10.10.0.0/16", "peering", "pcx"]]);
    return run([
      ...pay.resources, ...an.resources, peering("pcx", "vpc-an", "vpc-pay"),
      host("vault", { kind: "database", subnet: "sn-pay", network: "vpc-pay", groups: ["sg-vault"], ip: "10.10.3.20", tags: { "data-classification": "cardholder" } }),
      host("etl", { subnet: "sn-an", network: "vpc-an", groups: ["sg-an"], ip: "10.40.1.15" }),
    ], [ingress("sg-vault", { kind: "cidr", value: "10.40.0.0/16" }, { from: 5432 })], [...pay.routes, ...an.routes]);
  };
  it("with routes both ways the analytics host is connected, with the peering routes as evidence", () => {
    const d = setup(true).get("etl");
    expect(d).toMatchObject({ scope: "connected", confidence: 0.6 });
    expect(d.reasons[0]!.evidence).toContainEqual(expect.objectContaining({ type: "route", routeId: "rt-vpc-an#10.10.0.0/16" }));
    expect(d.reasons[0]!.evidence).toContainEqual(expect.objectContaining({ type: "route", routeId: "rt-vpc-pay#10.40.0.0/16" }));
  });
  it("without a return route it is out of scope, and the decision says which table lacks it", () => {
    const d = setup(false).get("etl");
    expect(d.scope).toBe("out_of_scope");
    expect(controlEvidence(d)).toContainEqual(expect.objectContaining({ type: "resource", uid: "rt-vpc-pay", relation: expect.stringContaining("return route") }));
  });
});

describe("a host tagged out of scope that really talks to the database", () => {
  it("stays out of scope by its tag, keeps the evidence, and raises a critical segmentation violation", () => {
    const v = vpc("vpc", "10.0.0.0/16", [["sn-db", "10.0.1.0/24"], ["sn-crm", "10.0.2.0/24"]], []);
    const db = host("db", { kind: "database", subnet: "sn-db", network: "vpc", groups: ["sg-db"], ip: "10.0.1.5", tags: { "pci:scope": "cde" } });
    const crm = host("crm", { subnet: "sn-crm", network: "vpc", groups: ["sg-crm"], ip: "10.0.2.5", tags: { "pci:scope": "out-of-scope" } });
    const net = run([...v.resources, db, crm], [ingress("sg-db", { kind: "group", value: "sg-crm" }, { from: 5432 })], v.routes, { edges: [edge(crm, db, { port: 5432 })] });
    expect(net.get("crm")).toMatchObject({ scope: "out_of_scope", confidence: 0.95 });
    expect(net.get("crm").reasons.map((r) => r.rule)).toEqual(["tag.pci_scope", "connected.observed_flow", "connected.configured_path"]);
    expect(net.get("crm").reasons[1]!.confidence).toBe(0.95);
    expect(net.violations.map((x) => [x.kind, x.severity, x.subjects[0]])).toEqual([["flow_cde_out_of_scope", "critical", "crm"]]);
  });
});

describe("the card-game keyword trap", () => {
  it("a card game server with no path to the CDE is out of scope, with the blocking control and no keyword reason", () => {
    const v = vpc("vpc", "10.0.0.0/16", [["sn-pay", "10.0.1.0/24"], ["sn-games", "10.0.9.0/24"]], []);
    const net = run([
      ...v.resources,
      host("vault", { kind: "database", subnet: "sn-pay", network: "vpc", groups: ["sg-vault"], ip: "10.0.1.5", tags: { "pci:scope": "cde" } }),
      host("cardgame", { name: "cardgame-leaderboard", subnet: "sn-games", network: "vpc", groups: ["sg-games"], ip: "10.0.9.5" }),
    ], [ingress("sg-vault", { kind: "cidr", value: "10.0.1.0/24" }, { from: 5432 }), ingress("sg-games", { kind: "cidr", value: "0.0.0.0/0" }, { from: 443 }), { ...ingress("sg-vault", { kind: "cidr", value: "10.0.1.0/24" }), direction: "egress" }], v.routes);
    const d = net.get("cardgame");
    expect(d.scope).toBe("out_of_scope");
    expect(JSON.stringify(d)).not.toContain("keyword");
    expect(controlEvidence(d).map((e) => (e.type === "resource" ? e.uid : ""))).toEqual(expect.arrayContaining(["sg-vault"]));
  });
});

describe("properties on configured networks", () => {
  it("every computed out_of_scope decision lists the controls that block it when configuration data exists", () => {
    const hub = vpc("vpc-a", "10.1.0.0/16", [["sn-a1", "10.1.1.0/24"], ["sn-a2", "10.1.2.0/24"]], []);
    const other = vpc("vpc-b", "10.2.0.0/16", [["sn-b", "10.2.1.0/24"]], []);
    const resources = [...hub.resources, ...other.resources,
      host("db", { kind: "database", subnet: "sn-a1", network: "vpc-a", groups: ["sg-db"], ip: "10.1.1.5", tags: { "pci:scope": "cde" } })];
    for (let k = 0; k < 12; k++) {
      const [sn, vp, ip] = k % 3 === 0 ? ["sn-b", "vpc-b", `10.2.1.${k + 10}`] : ["sn-a2", "vpc-a", `10.1.2.${k + 10}`];
      resources.push(host(`h${k}`, { subnet: sn, network: vp, groups: [`sg-${k % 4}`], ip }));
    }
    const rules = [ingress("sg-db", { kind: "group", value: "sg-1" }, { from: 5432 }), { ...ingress("sg-db", { kind: "group", value: "sg-1" }), direction: "egress" as const }];
    const net = run(resources, rules, [...hub.routes, ...other.routes]);
    let outOfScope = 0;
    for (const d of net.decisions.values()) {
      if (d.scope !== "out_of_scope" || !d.uid.startsWith("h")) continue;
      outOfScope++;
      expect(controlEvidence(d).length, d.uid).toBeGreaterThan(0);
    }
    expect(outOfScope).toBeGreaterThan(4);
    for (const d of net.decisions.values()) if (d.scope !== "out_of_scope") expect(d.reasons[0]!.evidence.length).toBeGreaterThan(0);
  });
});
