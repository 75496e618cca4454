import { describe, expect, it } from "vitest";
import { classify } from "../../worker/scope/classify.js";
import { diffScans, scanSnapshot } from "../../worker/scope/drift.js";
import type { ClassifierInput } from "../../worker/scope/types.js";
import { cdeDb, edge, infra, ingress, input, resource } from "./builders.js";

const snap = (i: ClassifierInput, stale: string[] = []) => scanSnapshot(i, classify(i), { stale });
const db = cdeDb("db", { groups: ["sg-db"] });
const base = input({ resources: [db, infra("sg-db", "security_group"), resource("wiki")], rules: [ingress("sg-db", { kind: "group", value: "sg-app" }, { from: 5432 })] });

describe("drift between committed scans", () => {
  it("the first scan and an unchanged scan give no events", () => {
    expect(diffScans(undefined, snap(base))).toEqual([]);
    expect(diffScans(snap(base), snap(structuredClone(base)))).toEqual([]);
  });
  it("resource_added (severity by scope)", () => {
    const after = { ...base, resources: [...base.resources, resource("vault2", { tags: { "pci:scope": "cde" } })] };
    expect(diffScans(snap(base), snap(after))).toEqual([expect.objectContaining({ kind: "resource_added", uid: "vault2", severity: "high", before: null })]);
  });
  it("resource_removed, but not for resources kept stale from a partial scan", () => {
    const after = { ...base, resources: base.resources.filter((r) => r.uid !== "wiki") };
    expect(diffScans(snap(base), snap(after))).toEqual([expect.objectContaining({ kind: "resource_removed", uid: "wiki", severity: "low", after: null })]);
    expect(diffScans(snap(base), snap(after, ["wiki"]))).toEqual([]);
  });
  it("scope_changed", () => {
    const app = resource("app", { groups: ["sg-app"] });
    const before = { ...base, resources: [...base.resources, app] };
    const after = { ...before, edges: [edge(app, db, { port: 5432 })] };
    const beforeOos = { ...before, rules: [] };
    const events = diffScans(snap(beforeOos), snap({ ...after, rules: [] }));
    expect(events).toContainEqual(expect.objectContaining({ kind: "scope_changed", uid: "app", before: { scope: "out_of_scope", rule: "out_of_scope.no_path" }, after: { scope: "connected", rule: "connected.observed_flow" }, severity: "medium" }));
  });
  it("new_boundary_flow (high when the other side is out of scope or unmapped)", () => {
    const crm = resource("crm", { tags: { "pci:scope": "out_of_scope" } });
    const before = { ...base, resources: [...base.resources, crm] };
    const events = diffScans(snap(before), snap({ ...before, edges: [edge(crm, db, { port: 5432 })] }));
    expect(events).toContainEqual(expect.objectContaining({ kind: "new_boundary_flow", uid: "db", severity: "high", after: expect.objectContaining({ other: "crm", otherScope: "out_of_scope" }) }));
  });
  it("cde_control_rule_changed: a rule added to a CDE group, opening it to anywhere, is high", () => {
    const after = { ...base, rules: [...base.rules, ingress("sg-db", { kind: "cidr", value: "0.0.0.0/0" }, { from: 5432 })] };
    const events = diffScans(snap(base), snap(after));
    expect(events).toContainEqual(expect.objectContaining({ kind: "cde_control_rule_changed", uid: "sg-db", severity: "high", before: null, after: expect.stringContaining("0.0.0.0/0") }));
    // …and, as nothing routes the wiki elsewhere, it is now connected: a second event, about the wiki.
    expect(events).toContainEqual(expect.objectContaining({ kind: "scope_changed", uid: "wiki" }));
    expect(diffScans(snap(after), snap(base))).toContainEqual(expect.objectContaining({ kind: "cde_control_rule_changed", after: null, severity: "medium" }));
  });
});
