import { describe, expect, it } from "vitest";
import { classifyWithModel } from "../../worker/scope/classify.js";
import { findViolations } from "../../worker/scope/violations.js";
import type { ClassifierInput } from "../../worker/scope/types.js";
import { cdeDb, edge, host, infra, ingress, input, override, resource, routeTable, subnet } from "./builders.js";

function violations(i: ClassifierInput) {
  const { decisions, model } = classifyWithModel(i);
  return findViolations(i, decisions, model);
}

describe("segmentation violations", () => {
  it("flow_cde_out_of_scope: a host declared out of scope that exchanges accepted traffic with the CDE (critical)", () => {
    const db = cdeDb("db");
    const crm = resource("crm", { tags: { "pci:scope": "out_of_scope" } });
    const v = violations(input({ resources: [db, crm], edges: [edge(crm, db, { port: 5432, bytes: 9000 })] }));
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ kind: "flow_cde_out_of_scope", severity: "critical", subjects: ["crm"], pci: expect.arrayContaining(["PCI DSS 11.4.5"]) });
    expect(v[0]!.evidence).toContainEqual(expect.objectContaining({ type: "tag", key: "pci:scope" }));
    expect(v[0]!.evidence).toContainEqual(expect.objectContaining({ type: "flow", bytes: 9000 }));
  });

  it("path_cde_out_of_scope: an override to out of scope where the configuration allows a path (high)", () => {
    const db = cdeDb("db", { groups: ["sg-db"], network: "vpc" });
    const app = resource("app", { groups: ["sg-app"], network: "vpc" });
    const v = violations(input({ resources: [db, app], rules: [ingress("sg-db", { kind: "group", value: "sg-app" }, { from: 5432 })], overrides: [override("app", "out_of_scope")] }));
    expect(v.map((x) => [x.kind, x.severity, x.subjects[0]])).toEqual([["path_cde_out_of_scope", "high", "app"]]);
    expect(v[0]!.evidence).toContainEqual(expect.objectContaining({ type: "override", author: "alice@example.com" }));
    expect(v[0]!.evidence).toContainEqual(expect.objectContaining({ type: "rule", ownerUid: "sg-db" }));
  });

  const exposedCde = (tags: Record<string, string>) => {
    const rt = routeTable("rt", "vpc", ["sn"], [["10.0.0.0/16", "local"], ["0.0.0.0/0", "internet_gateway", "igw"]]);
    return input({
      resources: [subnet("sn", "vpc", "10.0.1.0/24"), rt.table, infra("igw", "gateway"),
        host("checkout", { subnet: "sn", network: "vpc", groups: ["sg"], ip: "10.0.1.10", publicIp: "203.0.113.10", tags: { "pci:scope": "cde", ...tags } })],
      rules: [ingress("sg", { kind: "cidr", value: "0.0.0.0/0" })], routes: rt.routes,
    });
  };
  it("internet_to_cde: the internet reaches a CDE component that is not an approved entry point", () => {
    const v = violations(exposedCde({})).filter((x) => x.kind === "internet_to_cde");
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ severity: "high", subjects: ["checkout", "checkout"], pci: ["PCI DSS 1.4.1", "PCI DSS 1.4.2"] });
    expect(v[0]!.evidence).toContainEqual(expect.objectContaining({ type: "route", destination: "0.0.0.0/0" }));
    expect(v[0]!.evidence).toContainEqual(expect.objectContaining({ type: "rule", peer: "cidr:0.0.0.0/0" }));
  });
  it("an approved entry point (pci:entry-point=true) is not a violation", () => {
    expect(violations(exposedCde({ "pci:entry-point": "true" })).filter((x) => x.kind === "internet_to_cde")).toEqual([]);
  });

  it("unmapped_ip_to_cde: accepted traffic between the CDE and an address no resource owns", () => {
    const db = cdeDb("db");
    const ghost = resource("ghost", { ip: "10.99.0.7" });
    const inbound = { ...edge(ghost, db, { port: 5432 }) };
    delete inbound.srcUid;
    const publicClient = { ...edge(resource("x", { ip: "198.51.100.23" }), db, { port: 5432 }) };
    delete publicClient.srcUid;
    const v = violations(input({ resources: [db], edges: [inbound, publicClient] }));
    expect(v.map((x) => [x.kind, x.severity, x.subjects])).toEqual([
      ["unmapped_ip_to_cde", "high", ["db", "ip:198.51.100.23"]],
      ["unmapped_ip_to_cde", "medium", ["db", "ip:10.99.0.7"]],
    ]);
  });

  it("ids are stable hashes of kind and subjects, and the output is deterministic", () => {
    const i = exposedCde({});
    expect(JSON.stringify(violations(i))).toBe(JSON.stringify(violations(structuredClone(i))));
    expect(violations(i)[0]!.id).toMatch(/^[0-9a-f]{16}$/);
  });
});
