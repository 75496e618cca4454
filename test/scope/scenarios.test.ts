import { describe, expect, it } from "vitest";
import { classify } from "../../worker/scope/classify.js";
import type { ScopeDecision } from "../../worker/scope/types.js";
import { allowAllFromSelf, cdeDb, edge, infra, ingress, input, override, resource } from "./builders.js";

function get(result: Map<string, ScopeDecision>, uid: string): ScopeDecision {
  const d = result.get(uid);
  if (d === undefined) throw new Error(`no decision for ${uid}`);
  return d;
}

describe("precedence", () => {
  it("cde beats security_impacting beats connected, and the deciding reason comes first", () => {
    const db = cdeDb("db");
    // A payment word (cde, low), SSH into the CDE (security_impacting) and a database session with it (connected).
    const everything = resource("everything", { name: "billing-admin" });
    // Serves DNS (security_impacting) and receives other traffic (connected).
    const dnsAndApp = resource("dns-and-app");
    const res = classify(input({
      resources: [db, everything, dnsAndApp],
      edges: [
        edge(everything, db, { port: 22 }), edge(everything, db, { port: 5432 }),
        edge(db, dnsAndApp, { port: 53, protocol: 17 }), edge(db, dnsAndApp, { port: 8080 }),
      ],
    }));
    const e = get(res, "everything");
    expect(e).toMatchObject({ scope: "cde", confidence: 0.3 });
    expect(e.reasons.map((r) => r.scope)).toEqual(["cde", "security_impacting", "connected"]);
    const d = get(res, "dns-and-app");
    expect(d.scope).toBe("security_impacting");
    expect(d.reasons.map((r) => r.rule)).toEqual(["security_impacting.service_to_cde", "connected.observed_flow"]);
  });

  it("a low-confidence keyword candidate still outranks connected (over-scoping is the safe side)", () => {
    const db = cdeDb("db");
    const billing = resource("billing-reports");
    const d = get(classify(input({ resources: [db, billing], edges: [edge(billing, db, { port: 5432 })] })), "billing-reports");
    expect(d.scope).toBe("cde");
    expect(d.confidence).toBeLessThan(0.5);
    expect(d.reasons.map((r) => r.rule)).toEqual(["cde.keyword", "connected.observed_flow"]);
  });
});

describe("flat network with no segmentation", () => {
  it("an allow-all shared security group pulls the subnet's compute into the CDE, and their neighbours into connected", () => {
    const db = cdeDb("db", { subnet: "sn-flat", network: "vpc", groups: ["sg-default"] });
    const web = resource("web", { subnet: "sn-flat", network: "vpc", groups: ["sg-default"] });
    const worker = resource("worker", { subnet: "sn-flat", network: "vpc", groups: ["sg-default"] });
    const laptop = resource("office-proxy", { subnet: "sn-office", network: "vpc", groups: ["sg-office"] });
    const res = classify(input({
      resources: [db, web, worker, laptop, infra("sg-default", "security_group"), infra("sn-flat", "subnet"), infra("vpc", "network")],
      rules: [allowAllFromSelf("sg-default")],
      edges: [edge(laptop, worker, { port: 8080 })],
    }));
    expect(get(res, "web").scope).toBe("cde");
    expect(get(res, "worker").scope).toBe("cde");
    // worker is a CDE component by unrestricted connectivity, so what talks to it is connected.
    expect(get(res, "office-proxy").scope).toBe("connected");
    expect(get(res, "sg-default").scope).toBe("security_impacting");
    expect(get(res, "sn-flat").scope).toBe("security_impacting");
  });
});

describe("overrides never hide evidence", () => {
  it("a host tagged out_of_scope that really talks to the database stays out_of_scope but keeps the flow evidence", () => {
    const db = cdeDb("db");
    const host = resource("analytics", { tags: { "pci:scope": "out-of-scope" } });
    const d = get(classify(input({ resources: [db, host], edges: [edge(host, db, { port: 5432, bytes: 9000 })] })), "analytics");
    expect(d).toMatchObject({ scope: "out_of_scope", confidence: 0.95 });
    expect(d.reasons.map((r) => r.rule)).toEqual(["tag.pci_scope", "connected.observed_flow"]);
    expect(d.reasons[1]!.evidence).toContainEqual(expect.objectContaining({ type: "flow", bytes: 9000, dstUid: "db" }));
    // The no-path claim would be false here, so it is not made.
    expect(d.reasons.map((r) => r.rule)).not.toContain("out_of_scope.no_path");
  });

  it("a manual out_of_scope override likewise keeps the flow evidence", () => {
    const db = cdeDb("db");
    const host = resource("h");
    const d = get(classify(input({ resources: [db, host], edges: [edge(host, db, { port: 22 })], overrides: [override("h", "out_of_scope")] })), "h");
    expect(d).toMatchObject({ scope: "out_of_scope", confidence: 1 });
    expect(d.reasons.map((r) => r.rule)).toEqual(["override.manual", "security_impacting.admin_access"]);
  });

  it("an override taking a component out of the CDE also stops it seeding anything", () => {
    const db = resource("db", { kind: "database", tags: { "data-classification": "pci" } });
    const app = resource("app");
    const res = classify(input({ resources: [db, app], edges: [edge(app, db)], overrides: [override("db", "out_of_scope")] }));
    expect(get(res, "db").scope).toBe("out_of_scope");
    expect(get(res, "db").reasons.map((r) => r.rule)).toEqual(["override.manual", "cde.data_classification"]);
    expect(get(res, "app").scope).toBe("out_of_scope");
  });
});

describe("typical services around a CDE", () => {
  it("a bastion that SSHes into the CDE is security_impacting", () => {
    const db = cdeDb("db");
    const bastion = resource("bastion", { name: "ops-box" });
    const d = get(classify(input({ resources: [db, bastion], edges: [edge(bastion, db, { port: 22, flows: 40 })] })), "bastion");
    expect(d.scope).toBe("security_impacting");
    expect(d.reasons[0]!.rule).toBe("security_impacting.admin_access");
    expect(d.reasons[0]!.evidence).toContainEqual({ type: "resource", uid: "db", relation: "CDE component administered from here" });
  });

  it("a DNS server the CDE queries is security_impacting", () => {
    const db = cdeDb("db");
    const dns = resource("resolver");
    const d = get(classify(input({ resources: [db, dns], edges: [edge(db, dns, { port: 53, protocol: 17 })] })), "resolver");
    expect(d.scope).toBe("security_impacting");
    expect(d.reasons[0]!.summary).toContain("DNS");
  });
});

describe("one hop only", () => {
  it("a system that only talks to a connected system is not in scope for that reason", () => {
    const db = cdeDb("db");
    const app = resource("app");
    const client = resource("client");
    const bastion = resource("bastion", { tags: { role: "bastion" } });
    const res = classify(input({
      resources: [db, app, client, bastion],
      edges: [edge(app, db, { port: 5432 }), edge(client, app), edge(bastion, app, { port: 22 })],
    }));
    expect(get(res, "app").scope).toBe("connected");
    expect(get(res, "client").scope).toBe("out_of_scope");
    // A bastion administering a connected (not CDE) system is not pulled in by that alone.
    expect(get(res, "bastion").scope).toBe("out_of_scope");
  });

  it("a security group on a connected system is not a CDE control", () => {
    const db = cdeDb("db", { groups: ["sg-db"] });
    const app = resource("app", { groups: ["sg-app"] });
    const res = classify(input({
      resources: [db, app, infra("sg-db", "security_group"), infra("sg-app", "security_group")],
      rules: [ingress("sg-db", { kind: "group", value: "sg-app" })],
    }));
    expect(get(res, "sg-db").scope).toBe("security_impacting");
    expect(get(res, "sg-app").scope).toBe("out_of_scope");
  });
});

describe("input edge cases", () => {
  it("a uid listed twice gets one decision (the first occurrence)", () => {
    const res = classify(input({ resources: [resource("h", { tags: { "pci:scope": "cde" } }), resource("h")] }));
    expect(res.size).toBe(1);
    expect(get(res, "h").scope).toBe("cde");
  });
  it("an empty tenant gives an empty map", () => {
    expect(classify(input({})).size).toBe(0);
  });
  it("overrides and edges naming unknown resources are ignored", () => {
    const db = cdeDb("db");
    const ghost = { ...edge(resource("ghost"), db, { port: 5432 }), srcUid: "arn:nowhere" };
    const res = classify(input({ resources: [db], edges: [ghost], overrides: [override("arn:nowhere", "cde")] }));
    expect([...res.keys()]).toEqual(["db"]);
  });
});
