import { describe, expect, it } from "vitest";
import { classify } from "../../worker/scope/classify.js";
import type { ScopeDecision } from "../../worker/scope/types.js";
import { allowAllFromSelf, cdeDb, edge, infra, ingress, input, NOW, override, resource } from "./builders.js";

function decision(result: Map<string, ScopeDecision>, uid: string): ScopeDecision {
  const d = result.get(uid);
  if (d === undefined) throw new Error(`no decision for ${uid}`);
  return d;
}
const rules = (d: ScopeDecision) => d.reasons.map((r) => r.rule);

describe("override.manual", () => {
  it("an unexpired override wins at confidence 1 and carries who, when and why", () => {
    const host = resource("host", { tags: { "pci:scope": "out_of_scope" } });
    const d = decision(classify(input({ resources: [host], overrides: [override("host", "cde", { expiresAt: "2026-01-01T00:00:00Z" })] })), "host");
    expect(d).toMatchObject({ scope: "cde", confidence: 1 });
    expect(d.reasons[0]!.rule).toBe("override.manual");
    expect(d.reasons[0]!.evidence[0]).toEqual({
      type: "override", scope: "cde", author: "alice@example.com", at: "2025-05-01T00:00:00Z",
      justification: "assessor agreed in 2025 scoping workshop", expiresAt: "2026-01-01T00:00:00Z",
    });
    expect(rules(d)).toContain("tag.pci_scope");
  });

  it("an expired override is ignored and mentioned nowhere", () => {
    const host = resource("host");
    const d = decision(classify(input({ resources: [host], overrides: [override("host", "cde", { expiresAt: new Date(NOW - 1).toISOString() })] })), "host");
    expect(d.scope).toBe("out_of_scope");
    expect(rules(d)).toEqual(["out_of_scope.no_path"]);
    expect(d.reasons.flatMap((r) => r.evidence).some((e) => e.type === "override")).toBe(false);
  });

  it("of several unexpired overrides the newest wins, whatever their order", () => {
    const host = resource("host");
    const older = override("host", "connected", { createdAt: "2025-01-01T00:00:00Z" });
    const newer = override("host", "out_of_scope", { createdAt: "2025-03-01T00:00:00Z" });
    expect(decision(classify(input({ resources: [host], overrides: [older, newer] })), "host").scope).toBe("out_of_scope");
    expect(decision(classify(input({ resources: [host], overrides: [newer, older] })), "host").scope).toBe("out_of_scope");
  });
});

describe("tag.pci_scope", () => {
  it("puts the resource in the tagged scope at 0.95", () => {
    const d = decision(classify(input({ resources: [resource("h", { tags: { "PCI:Scope": "security-impacting" } })] })), "h");
    expect(d).toMatchObject({ scope: "security_impacting", confidence: 0.95 });
    expect(d.reasons[0]!.evidence).toEqual([{ type: "tag", key: "PCI:Scope", value: "security-impacting" }]);
  });
  it("ignores unknown values without failing", () => {
    expect(decision(classify(input({ resources: [resource("h", { tags: { "pci:scope": "yes please" } })] })), "h").scope).toBe("out_of_scope");
  });
});

describe("cde.data_classification", () => {
  it("a data-classification tag declaring cardholder data → cde 0.9", () => {
    const d = decision(classify(input({ resources: [resource("db", { kind: "database", tags: { "data-classification": "cardholder" } })] })), "db");
    expect(d).toMatchObject({ scope: "cde", confidence: 0.9 });
    expect(d.reasons[0]!.rule).toBe("cde.data_classification");
  });
});

describe("cde.keyword", () => {
  it("a payment word alone is a low-confidence candidate that pulls no neighbour into scope", () => {
    const vault = resource("vault", { kind: "database", name: "payments-db" });
    const client = resource("client");
    const res = classify(input({ resources: [vault, client], edges: [edge(client, vault, { port: 5432 })] }));
    const d = decision(res, "vault");
    expect(d.scope).toBe("cde");
    expect(d.confidence).toBeLessThanOrEqual(0.4);
    expect(d.reasons[0]!.rule).toBe("cde.keyword");
    expect(d.reasons[0]!.evidence[0]).toMatchObject({ type: "keyword", field: "name", keyword: "payments" });
    expect(decision(res, "client").scope).toBe("out_of_scope");
  });

  it("is corroborated (0.6) by accepted traffic from a confirmed CDE component, and then counts as CDE", () => {
    const app = cdeDb("app", { kind: "instance" });
    const store = resource("store", { kind: "database", name: "cardholder-store" });
    const reporter = resource("reporter");
    const res = classify(input({ resources: [app, store, reporter], edges: [edge(app, store, { port: 5432 }), edge(reporter, store, { port: 5432 })] }));
    expect(decision(res, "store")).toMatchObject({ scope: "cde", confidence: 0.6 });
    expect(decision(res, "store").reasons[0]!.rule).toBe("cde.keyword_corroborated");
    expect(decision(res, "reporter").scope).toBe("connected");
  });

  it("is corroborated by sharing a subnet with a confirmed CDE component", () => {
    const db = cdeDb("db", { subnet: "sn-pci" });
    const api = resource("api", { name: "checkout-api", subnet: "sn-pci" });
    expect(decision(classify(input({ resources: [db, api] })), "api")).toMatchObject({ scope: "cde", confidence: 0.6 });
  });

  it("the card-game trap: a card game server next to the CDE is not a CDE candidate", () => {
    const db = cdeDb("db", { subnet: "sn-shared" });
    const games = [
      resource("g1", { name: "cardgame-server", subnet: "sn-shared" }),
      resource("g2", { name: "card-game-lobby", subnet: "sn-shared", tags: { app: "card-game" } }),
      resource("g3", { name: "discard-worker", subnet: "sn-shared" }),
    ];
    const res = classify(input({ resources: [db, ...games] }));
    for (const g of games) {
      expect(decision(res, g.uid).scope).toBe("out_of_scope");
      expect(JSON.stringify(decision(res, g.uid))).not.toContain("keyword");
    }
  });

  it("only reads descriptive tags: an owner tag naming the billing team is not a signal", () => {
    const d = decision(classify(input({ resources: [resource("h", { tags: { owner: "billing-team", app: "wiki" } })] })), "h");
    expect(d.scope).toBe("out_of_scope");
  });
});

describe("cde.shared_segment_no_control", () => {
  it("same subnet + shared group allowing all traffic from itself → cde 0.7", () => {
    const db = cdeDb("db", { subnet: "sn-flat", groups: ["sg-flat"] });
    const web = resource("web", { subnet: "sn-flat", groups: ["sg-flat"] });
    const res = classify(input({ resources: [db, web], rules: [allowAllFromSelf("sg-flat")] }));
    const d = decision(res, "web");
    expect(d).toMatchObject({ scope: "cde", confidence: 0.7 });
    expect(d.reasons[0]!.rule).toBe("cde.shared_segment_no_control");
    expect(d.reasons[0]!.evidence.map((e) => e.type)).toEqual(["resource", "resource", "resource", "rule"]);
  });

  it("is conservative: a restricted group, another subnet, or a bucket does not qualify", () => {
    const db = cdeDb("db", { subnet: "sn-a", groups: ["sg-a"] });
    const sameSubnetRestricted = resource("r1", { subnet: "sn-a", groups: ["sg-a"] });
    const otherSubnet = resource("r2", { subnet: "sn-b", groups: ["sg-a"] });
    const rules = [ingress("sg-a", { kind: "group", value: "sg-a" }, { from: 5432 })];
    const res = classify(input({ resources: [db, sameSubnetRestricted, otherSubnet], rules }));
    expect(decision(res, "r1").scope).toBe("connected"); // configured path, not cde
    expect(decision(res, "r2").scope).toBe("connected");
    const bucket = resource("b", { kind: "bucket", subnet: "sn-a", groups: ["sg-a"] });
    const res2 = classify(input({ resources: [db, bucket], rules: [allowAllFromSelf("sg-a")] }));
    expect(decision(res2, "b").reasons.map((r) => r.rule)).not.toContain("cde.shared_segment_no_control");
  });

  it("0.0.0.0/0 all-traffic ingress also counts", () => {
    const db = cdeDb("db", { subnet: "sn", groups: ["sg"] });
    const h = resource("h", { subnet: "sn", groups: ["sg"] });
    const rules = [ingress("sg", { kind: "cidr", value: "0.0.0.0/0" }, { protocol: "all", from: 0, to: 65535 })];
    expect(decision(classify(input({ resources: [db, h], rules })), "h").scope).toBe("cde");
  });
});

describe("security_impacting.service_to_cde", () => {
  it.each([
    [53, 17, "DNS"], [53, 6, "DNS"], [123, 17, "NTP"], [88, 6, "Kerberos"], [389, 6, "LDAP"], [636, 6, "LDAPS"],
    [3268, 6, "AD global catalog"], [514, 17, "syslog"], [6514, 6, "syslog over TLS"], [5044, 6, "Beats"], [9997, 6, "Splunk"],
    [8088, 6, "Splunk HTTP"], [9200, 6, "Elasticsearch"], [24224, 6, "fluentd"], [8140, 6, "Puppet"], [4505, 6, "Salt"], [4506, 6, "Salt"],
  ])("the CDE using port %i/%i (%s) makes the server security_impacting 0.85", (port, protocol, label) => {
    const db = cdeDb("db");
    const svc = resource("svc");
    const d = decision(classify(input({ resources: [db, svc], edges: [edge(db, svc, { port, protocol })] })), "svc");
    expect(d).toMatchObject({ scope: "security_impacting", confidence: 0.85 });
    expect(d.reasons[0]!.summary).toContain(label);
  });

  it("80/443 count only for a role-tagged package mirror; an untagged web server is just connected", () => {
    const db = cdeDb("db");
    const mirror = resource("mirror", { tags: { role: "patch-mirror" } });
    const web = resource("web");
    const res = classify(input({ resources: [db, mirror, web], edges: [edge(db, mirror, { port: 443 }), edge(db, web, { port: 443 })] }));
    expect(rules(decision(res, "mirror"))).toEqual(["security_impacting.role_tag", "security_impacting.service_to_cde"]);
    expect(decision(res, "web").scope).toBe("connected");
  });

  it("a client of the CDE on a security port is only connected (the CDE serves it)", () => {
    const db = cdeDb("db");
    const c = resource("c");
    expect(decision(classify(input({ resources: [db, c], edges: [edge(c, db, { port: 53, protocol: 17 })] })), "c").scope).toBe("connected");
  });
});

describe("security_impacting.admin_access", () => {
  it.each([[22, "SSH"], [3389, "RDP"], [5985, "WinRM"], [5986, "WinRM"]])("a client reaching the CDE on %i (%s) → 0.85", (port, label) => {
    const db = cdeDb("db");
    const admin = resource("admin");
    const d = decision(classify(input({ resources: [db, admin], edges: [edge(admin, db, { port })] })), "admin");
    expect(d).toMatchObject({ scope: "security_impacting", confidence: 0.85 });
    expect(d.reasons[0]!.rule).toBe("security_impacting.admin_access");
    expect(d.reasons[0]!.summary).toContain(label);
  });
});

describe("security_impacting.role_tag", () => {
  it("a role tag with traffic to the CDE → 0.9", () => {
    const db = cdeDb("db");
    const ci = resource("ci", { tags: { Role: "CI/CD" } });
    const d = decision(classify(input({ resources: [db, ci], edges: [edge(ci, db, { port: 8443 })] })), "ci");
    expect(d).toMatchObject({ scope: "security_impacting", confidence: 0.9 });
    expect(d.reasons[0]!.evidence[0]).toEqual({ type: "tag", key: "Role", value: "CI/CD" });
  });
  it("a role tag alone, or with only rejected traffic, has no effect", () => {
    const db = cdeDb("db");
    const bastion = resource("bastion", { tags: { role: "bastion" } });
    expect(decision(classify(input({ resources: [db, bastion] })), "bastion").scope).toBe("out_of_scope");
    const res = classify(input({ resources: [db, bastion], edges: [edge(bastion, db, { port: 22, action: "reject" })] }));
    expect(decision(res, "bastion").scope).toBe("out_of_scope");
  });
});

describe("security_impacting.cde_control", () => {
  it("the CDE's security group, subnet, network, NACL and route table are security_impacting 0.9", () => {
    const db = cdeDb("db", { subnet: "sn-pci", network: "vpc-1", groups: ["sg-db"] });
    const res = classify(input({ resources: [
      db, infra("sg-db", "security_group"), infra("sn-pci", "subnet", { network: "vpc-1" }), infra("vpc-1", "network"),
      infra("acl-1", "network_acl", { subnets: ["sn-pci"] }), infra("rtb-1", "route_table", { subnets: ["sn-pci"] }),
      infra("acl-2", "network_acl", { subnets: ["sn-other"] }), infra("sg-other", "security_group"),
    ] }));
    for (const uid of ["sg-db", "sn-pci", "vpc-1", "acl-1", "rtb-1"]) {
      const d = decision(res, uid);
      expect(d, uid).toMatchObject({ scope: "security_impacting", confidence: 0.9 });
      expect(d.reasons[0]!.rule).toBe("security_impacting.cde_control");
      expect(d.reasons[0]!.evidence[0]).toMatchObject({ type: "resource", uid: "db" });
    }
    expect(decision(res, "acl-2").scope).toBe("out_of_scope");
    expect(decision(res, "sg-other").scope).toBe("out_of_scope");
  });
});

describe("connected.observed_flow", () => {
  it("accepted traffic in either direction → connected 0.9 with the edges and totals", () => {
    const db = cdeDb("db");
    const app = resource("app");
    const sink = resource("sink");
    const edges = [1, 2, 3, 4, 5, 6, 7].map((k) => edge(app, db, { port: 5432, bytes: k * 100, firstSeen: 1000 + k, lastSeen: 2000 + k }));
    const res = classify(input({ resources: [db, app, sink], edges: [...edges, edge(db, sink, { port: 8080 })] }));
    const d = decision(res, "app");
    expect(d).toMatchObject({ scope: "connected", confidence: 0.9 });
    const flows = d.reasons[0]!.evidence.filter((e) => e.type === "flow");
    expect(flows.map((f) => f.bytes)).toEqual([700, 600, 500, 400, 300]);
    expect(d.reasons[0]!.evidence.find((e) => e.type === "flow_totals")).toEqual({
      type: "flow_totals", edges: 7, packets: 70, bytes: 2800, flows: 7, firstSeen: 1001, lastSeen: 2007, shown: 5,
    });
    expect(decision(res, "sink").scope).toBe("connected");
  });

  it("unmapped flows (no uid on one side) are ignored", () => {
    const db = cdeDb("db");
    const e = { ...edge(resource("ghost"), db, { port: 5432 }) };
    delete e.srcUid;
    expect(decision(classify(input({ resources: [db], edges: [e] })), "db").scope).toBe("cde");
  });
});

describe("connected.configured_path", () => {
  it("a CDE group admitting the resource's group → connected 0.6, with the CDE component and the allowing rule", () => {
    const db = cdeDb("db", { groups: ["sg-db"], network: "vpc" });
    const app = resource("app", { groups: ["sg-app"], network: "vpc" });
    const d = decision(classify(input({ resources: [db, app], rules: [ingress("sg-db", { kind: "group", value: "sg-app" }, { from: 5432 })] })), "app");
    expect(d).toMatchObject({ scope: "connected", confidence: 0.6 });
    expect(d.reasons[0]!.evidence[0]).toMatchObject({ type: "resource", uid: "db" });
    expect(d.reasons[0]!.evidence).toContainEqual(expect.objectContaining({ type: "rule", ownerUid: "sg-db", peer: "group:sg-app", fromPort: 5432 }));
    expect(d.reasons[0]!.summary).toContain("tcp/5432");
  });

  // v1 ignored CIDRs wider than /16 for want of route analysis. Now the routes decide: where
  // placement is unknown a /8 admits what it contains (nothing known blocks it); where the
  // networks are known and not routed to each other, it does not.
  it("a CIDR admits the addresses inside it unless routes or other controls block the way", () => {
    const db = cdeDb("db", { groups: ["sg-db"] });
    const inside = resource("inside", { ip: "10.20.5.9" });
    const outside = resource("outside", { ip: "10.21.5.9" });
    const res = classify(input({ resources: [db, inside, outside], rules: [ingress("sg-db", { kind: "cidr", value: "10.20.0.0/16" })] }));
    expect(decision(res, "inside").scope).toBe("connected");
    expect(decision(res, "outside").scope).toBe("out_of_scope");
    const wide = classify(input({ resources: [db, inside], rules: [ingress("sg-db", { kind: "cidr", value: "10.0.0.0/8" })] }));
    expect(decision(wide, "inside").scope).toBe("connected");
    const placedDb = cdeDb("db", { groups: ["sg-db"], network: "vpc-pci", ip: "10.10.0.5" });
    const placed = resource("inside", { network: "vpc-other", ip: "10.20.5.9" });
    const routed = classify(input({ resources: [placedDb, placed], rules: [ingress("sg-db", { kind: "cidr", value: "10.0.0.0/8" })] }));
    expect(decision(routed, "inside").scope).toBe("out_of_scope");
  });

  it("0.0.0.0/0 admits resources that can route to the CDE component: here its own network only", () => {
    const db = cdeDb("db", { groups: ["sg-db"], network: "vpc-pci" });
    const near = resource("near", { network: "vpc-pci" });
    const far = resource("far", { network: "vpc-other" });
    const res = classify(input({ resources: [db, near, far], rules: [ingress("sg-db", { kind: "cidr", value: "0.0.0.0/0" })] }));
    expect(decision(res, "near").scope).toBe("connected");
    expect(decision(res, "far").scope).toBe("out_of_scope");
  });

  it("deny rules and egress-only rules on the CDE do not admit anything", () => {
    const db = cdeDb("db", { groups: ["sg-db"] });
    const app = resource("app", { groups: ["sg-app"] });
    const rules = [
      ingress("sg-db", { kind: "group", value: "sg-app" }, { action: "deny" }),
      { ...ingress("sg-db", { kind: "group", value: "sg-app" }), direction: "egress" as const },
    ];
    expect(decision(classify(input({ resources: [db, app], rules })), "app").scope).toBe("out_of_scope");
  });

  // v1 read only ingress on CDE groups. The SSC guidance counts a path in either direction:
  // a resource the CDE can open connections to is connected as well.
  it("a path from the CDE counts too: the CDE's egress and the resource's ingress allow it", () => {
    const db = cdeDb("db", { groups: ["sg-db"] });
    const app = resource("app", { groups: ["sg-app"] });
    const rules = [
      { ...ingress("sg-db", { kind: "group", value: "sg-app" }), direction: "egress" as const },
      ingress("sg-app", { kind: "group", value: "sg-db" }),
    ];
    const d = decision(classify(input({ resources: [db, app], rules })), "app");
    expect(d).toMatchObject({ scope: "connected", confidence: 0.6 });
    expect(d.reasons[0]!.evidence[0]).toMatchObject({ type: "resource", uid: "db", relation: expect.stringContaining("can open tcp/443 connections to this resource") });
    // Once the CDE's egress rules are known and exclude the app, the path is gone.
    const closed = [{ ...ingress("sg-db", { kind: "cidr", value: "192.0.2.0/24" }), direction: "egress" as const }, ingress("sg-app", { kind: "group", value: "sg-db" })];
    expect(decision(classify(input({ resources: [db, app], rules: closed })), "app").scope).toBe("out_of_scope");
  });

  it("observed and configured together raise the observed reason to 0.95", () => {
    const db = cdeDb("db", { groups: ["sg-db"], network: "vpc" });
    const app = resource("app", { groups: ["sg-app"], network: "vpc" });
    const res = classify(input({ resources: [db, app], rules: [ingress("sg-db", { kind: "group", value: "sg-app" }, { from: 5432 })], edges: [edge(app, db, { port: 5432 })] }));
    const d = decision(res, "app");
    expect(d).toMatchObject({ scope: "connected", confidence: 0.95 });
    expect(rules(d)).toEqual(["connected.observed_flow", "connected.configured_path"]);
  });
});

describe("out_of_scope.no_path", () => {
  it("0.7 with flow data, listing what was checked", () => {
    const db = cdeDb("db");
    const a = resource("a");
    const b = resource("b");
    const d = decision(classify(input({ resources: [db, a, b], edges: [edge(a, b)] })), "a");
    expect(d).toMatchObject({ scope: "out_of_scope", confidence: 0.7 });
    expect(d.reasons[0]!.evidence.every((e) => e.type === "absence")).toBe(true);
    expect(d.reasons[0]!.evidence.length).toBeGreaterThan(0);
  });
  it("0.5 when the tenant has sent no flow data", () => {
    expect(decision(classify(input({ resources: [cdeDb("db"), resource("a")] })), "a")).toMatchObject({ scope: "out_of_scope", confidence: 0.5 });
  });
  it("rejected traffic never makes a resource connected; it is listed as proof of a working control", () => {
    const db = cdeDb("db");
    const a = resource("a");
    const d = decision(classify(input({ resources: [db, a], edges: [edge(a, db, { port: 5432, action: "reject", bytes: 60 })] })), "a");
    expect(d.scope).toBe("out_of_scope");
    expect(d.reasons[0]!.summary).toContain("rejected");
    expect(d.reasons[0]!.evidence).toContainEqual(expect.objectContaining({ type: "flow", action: "reject", bytes: 60 }));
  });
});

describe("inherited.parent", () => {
  it("a network interface takes its instance's scope (flows are mapped to the instance)", () => {
    const app = resource("i-app", { tags: { "pci:scope": "cde" } });
    const client = resource("i-client");
    const nicApp = resource("eni-app", { kind: "nic", parent: "i-app" });
    const nicClient = resource("eni-client", { kind: "nic", parent: "i-client" });
    const orphan = resource("eni-orphan", { kind: "nic", parent: "i-gone" });
    // Parts listed before their parents still read the parent's decision.
    const res = classify(input({ resources: [nicApp, nicClient, orphan, app, client], edges: [edge(client, app)] }));
    expect(decision(res, "eni-app")).toMatchObject({ scope: "cde", confidence: 0.95 });
    expect(decision(res, "eni-app").reasons[0]!.rule).toBe("inherited.parent");
    expect(decision(res, "eni-app").reasons[0]!.evidence).toEqual([{ type: "resource", uid: "i-app", relation: "parent (instance) this nic belongs to" }]);
    expect(decision(res, "eni-client")).toMatchObject({ scope: "connected", confidence: 0.9 });
    expect(decision(res, "eni-orphan").scope).toBe("out_of_scope");
    expect(rules(decision(res, "eni-orphan"))).toEqual(["out_of_scope.no_path"]);
  });
  it("an override on the interface itself still wins, and the parent's scope stays in its reasons", () => {
    const app = resource("i-app", { tags: { "pci:scope": "cde" } });
    const nic = resource("eni-app", { kind: "nic", parent: "i-app" });
    const d = decision(classify(input({ resources: [app, nic], overrides: [override("eni-app", "out_of_scope")] })), "eni-app");
    expect(d).toMatchObject({ scope: "out_of_scope", confidence: 1 });
    expect(rules(d)).toEqual(["override.manual", "inherited.parent"]);
  });
});
