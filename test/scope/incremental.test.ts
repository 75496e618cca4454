import { describe, expect, it } from "vitest";
import type { FlowEdge, Resource } from "../../contract/index.js";
import { classify, classifyWithState, EdgeTable, reclassifyTouched, tenantContext } from "../../worker/scope/classify.js";
import { currentViolations, deriveWithState, rederiveTouched } from "../../worker/scope/derived.js";
import { diffScans, scanSnapshot } from "../../worker/scope/drift.js";
import type { ScopeDecision } from "../../worker/scope/types.js";
import { findViolations } from "../../worker/scope/violations.js";
import { cdeDb, edge, input, override, resource } from "./builders.js";
import { PORTS, prng, randomTenant } from "./random-tenant.js";

const json = (m: ReadonlyMap<string, ScopeDecision>) => JSON.stringify([...m]);

/** A flows batch as the Durable Object applies it: new edges appended, existing ones merged in place. */
function randomBatch(rnd: () => number, systems: readonly Resource[], current: readonly FlowEdge[]): { add: FlowEdge[]; update: [number, FlowEdge][] } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const add: FlowEdge[] = [];
  const update: [number, FlowEdge][] = [];
  const adds = Math.floor(rnd() * 6);
  for (let k = 0; k < adds; k++) {
    const from = pick(systems);
    const to = pick(systems);
    const packets = 1 + Math.floor(rnd() * 3);
    const e: FlowEdge = {
      srcIp: from.network.privateIps[0]!, dstIp: to.network.privateIps[0]!, dstPort: pick(PORTS), protocol: rnd() < 0.8 ? 6 : 17,
      action: rnd() < 0.85 ? "accept" : "reject", packets, bytes: Math.floor(rnd() * 5) * 100, flows: 1, firstSeen: 1000, lastSeen: 1000 + Math.floor(rnd() * 10),
      srcUid: from.uid, dstUid: to.uid,
    };
    if (rnd() < 0.05) delete e.dstUid;
    if (rnd() < 0.03) delete e.srcUid;
    add.push(e);
  }
  const updates = current.length === 0 ? 0 : Math.floor(rnd() * 4);
  for (let k = 0; k < updates; k++) {
    const j = Math.floor(rnd() * current.length);
    const old = current[j]!;
    const e: FlowEdge = { ...old, packets: old.packets + 1, bytes: old.bytes + Math.floor(rnd() * 3) * 100, flows: old.flows + 1, lastSeen: old.lastSeen + 5 };
    // A late uid mapping, now and then a changed action: whatever the merge leaves, the index follows.
    if (e.dstUid === undefined && rnd() < 0.5) e.dstUid = pick(systems).uid;
    if (rnd() < 0.1) e.action = e.action === "accept" ? "reject" : "accept";
    if (rnd() < 0.05) e.srcUid = pick(systems).uid;
    update.push([j, e]);
  }
  return { add, update };
}

const SEEDS = Array.from({ length: 30 }, (_, k) => k * 104729 + 3);

describe("incremental reclassification after a flows batch", () => {
  const totals = { incremental: 0, cdeChanged: 0, flowData: 0, changedDecisions: 0 };

  it.each(SEEDS)("seed %i: full classification after each batch == previous decisions patched with reclassifyTouched, byte for byte", (seed) => {
    const tenant = randomTenant(seed, 20 + (seed % 50));
    const rnd = prng(seed ^ 0x5eed);
    const systems = tenant.resources.filter((r) => r.kind !== "subnet" && r.kind !== "security_group" && r.kind !== "network_acl" && r.kind !== "network");
    // Some tenants start without flow data: their first batch flips no_path confidence tenant-wide.
    const mirror: FlowEdge[] = seed % 4 === 0 ? [] : tenant.edges.slice(0, Math.floor(tenant.edges.length / 2));
    const table = EdgeTable.from(mirror);
    let { state } = classifyWithState({ ...tenant, edges: table });
    expect(json(state.decisions)).toBe(json(classify({ ...tenant, edges: mirror })));

    for (let b = 0; b < 15; b++) {
      const { add, update } = randomBatch(rnd, systems, mirror);
      const touched = new Set<string>();
      for (const [j, e] of update) {
        mirror[j] = e;
        table.set(j, e, touched);
      }
      for (const e of add) {
        mirror.push(e);
        table.push(e, touched);
      }
      const before = new Map(state.decisions);
      const r = reclassifyTouched(state, table, touched);
      const full = classify({ ...tenant, edges: mirror });
      if (r.fullRequired) {
        if (r.why === "cde_changed") totals.cdeChanged++;
        else totals.flowData++;
        // Nothing was patched.
        expect(json(state.decisions)).toBe(json(before));
        state = classifyWithState({ ...tenant, edges: table }).state;
      } else {
        totals.incremental++;
        const parts = new Set(tenant.resources.filter((x) => x.parent !== undefined && touched.has(x.parent)).map((x) => x.uid));
        for (const uid of r.decisions.keys()) expect(touched.has(uid) || parts.has(uid), uid).toBe(true);
        for (const [uid, d] of r.decisions) if (JSON.stringify(before.get(uid)) !== JSON.stringify(d)) totals.changedDecisions++;
      }
      for (const [uid, d] of full) expect(JSON.stringify(state.decisions.get(uid)), `${uid} after batch ${b}`).toBe(JSON.stringify(d));
      expect(json(state.decisions)).toBe(json(full));
    }
  });

  it("the seeds exercise every branch: incremental patches that change decisions, CDE changes and the first flow data", () => {
    expect(totals.incremental).toBeGreaterThan(100);
    expect(totals.changedDecisions).toBeGreaterThan(20);
    expect(totals.cdeChanged).toBeGreaterThan(0);
    expect(totals.flowData).toBeGreaterThan(0);
  });
});

describe("violations and the drift snapshot re-derived after a flows batch", () => {
  const totals = { incremental: 0, upserts: 0, gone: 0, events: 0, flowsChanged: 0, fullRequired: 0 };

  it.each(SEEDS)("seed %i: rederiveTouched leaves the state equal to a full derivation; its changes and events equal the full diff", (seed) => {
    const tenant = randomTenant(seed, 20 + (seed % 50));
    const rnd = prng(seed ^ 0xde51);
    const systems = tenant.resources.filter((r) => r.kind !== "subnet" && r.kind !== "security_group" && r.kind !== "network_acl" && r.kind !== "network");
    const mirror: FlowEdge[] = seed % 4 === 0 ? [] : tenant.edges.slice(0, Math.floor(tenant.edges.length / 2));
    const table = EdgeTable.from(mirror);
    const stale = tenant.resources.filter((_, k) => k % 17 === 5).map((r) => r.uid);
    const derive = (c: { decisions: ReadonlyMap<string, ScopeDecision>; model: Parameters<typeof findViolations>[2] }) => deriveWithState({ ...tenant, edges: table }, c.decisions, c.model, { stale });
    let { state } = classifyWithState({ ...tenant, edges: table });
    let derived = derive(state);

    for (let b = 0; b < 15; b++) {
      const { add, update } = randomBatch(rnd, systems, mirror);
      const touched = new Set<string>();
      const changed: number[] = [];
      for (const [j, e] of update) {
        mirror[j] = e;
        table.set(j, e, touched);
        changed.push(j);
      }
      for (const e of add) {
        mirror.push(e);
        changed.push(table.push(e, touched));
      }
      const before = derived.snapshot;
      const beforeJson = JSON.stringify(before);
      const beforeViolations = new Map(currentViolations(derived.state).map((v) => [v.id, JSON.stringify(v)]));
      const r = reclassifyTouched(state, table, touched);
      if (r.fullRequired) {
        state = classifyWithState({ ...tenant, edges: table }).state;
        derived = derive(state);
        continue;
      }
      const full = classifyWithState({ ...tenant, edges: mirror });
      const fresh = deriveWithState({ ...tenant, edges: mirror }, full.decisions, full.model, { stale });
      const re = rederiveTouched(derived.state, table, state.decisions, r.decisions, changed);
      if (re.fullRequired) {
        totals.fullRequired++;
        // Nothing was changed; a full derivation follows.
        expect(JSON.stringify(derived.state.snapshot)).toBe(beforeJson);
        derived = derive(state);
      } else {
        totals.incremental++;
        totals.upserts += re.violations.upsert.length;
        totals.gone += re.violations.gone.length;
        totals.events += re.events.length;
        totals.flowsChanged += re.snapshot.boundaryFlows.length + re.snapshot.removedFlows.length;
        // The kept snapshot and violations equal a full derivation from scratch.
        expect(JSON.stringify(derived.state.snapshot), `snapshot after batch ${b}`).toBe(JSON.stringify(fresh.snapshot));
        expect(JSON.stringify(currentViolations(derived.state)), `violations after batch ${b}`).toBe(JSON.stringify(fresh.violations));
        // Events: what diffScans of the whole snapshots gives.
        expect(JSON.stringify(re.events)).toBe(JSON.stringify(diffScans(JSON.parse(beforeJson), fresh.snapshot)));
        // diffScans pairs items by position when both snapshots list the same uids in the same order, by uid otherwise: the same events.
        const reordered = { ...fresh.snapshot, resources: [...fresh.snapshot.resources].reverse(), decisions: [...fresh.snapshot.decisions].reverse() };
        expect(JSON.stringify(diffScans(JSON.parse(beforeJson), reordered))).toBe(JSON.stringify(re.events));
        // Changes: applied to the previous violations by id, they give exactly the new ones.
        const patched = new Map(beforeViolations);
        for (const id of re.violations.gone) expect(patched.delete(id), id).toBe(true);
        for (const v of re.violations.upsert) {
          expect(patched.get(v.id), `${v.id} listed but unchanged`).not.toBe(JSON.stringify(v));
          patched.set(v.id, JSON.stringify(v));
        }
        expect([...patched].sort()).toEqual(fresh.violations.map((v) => [v.id, JSON.stringify(v)]).sort());
        // Snapshot changes: exactly the items that differ.
        const old = JSON.parse(beforeJson) as typeof before;
        const oldDecisions = new Map(old.decisions.map((d) => [d.uid, JSON.stringify(d)]));
        expect(re.snapshot.decisions.map((d) => d.uid).sort()).toEqual(fresh.snapshot.decisions.filter((d) => oldDecisions.get(d.uid) !== JSON.stringify(d)).map((d) => d.uid).sort());
        const oldFlows = new Map(old.boundaryFlows.map((f) => [f.key, JSON.stringify(f)]));
        const newKeys = new Set(fresh.snapshot.boundaryFlows.map((f) => f.key));
        expect(re.snapshot.boundaryFlows.map((f) => f.key).sort()).toEqual(fresh.snapshot.boundaryFlows.filter((f) => oldFlows.get(f.key) !== JSON.stringify(f)).map((f) => f.key).sort());
        expect([...re.snapshot.removedFlows].sort()).toEqual([...oldFlows.keys()].filter((k) => !newKeys.has(k)).sort());
      }
    }
  });

  it("the seeds exercise violation changes, drift events and boundary flow changes", () => {
    expect(totals.incremental).toBeGreaterThan(100);
    expect(totals.upserts).toBeGreaterThan(10);
    expect(totals.gone).toBeGreaterThan(0);
    expect(totals.events).toBeGreaterThan(10);
    expect(totals.flowsChanged).toBeGreaterThan(10);
  });
});

describe("EdgeTable", () => {
  it("classifies exactly as FlowEdge[] does, and so do violations and the drift snapshot", () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const tenant = randomTenant(seed * 31, 60);
      const table = EdgeTable.from(tenant.edges);
      const a = classifyWithState(tenant);
      const b = classifyWithState({ ...tenant, edges: table });
      expect(json(b.decisions)).toBe(json(a.decisions));
      expect(JSON.stringify(findViolations({ ...tenant, edges: table }, b.decisions, b.model))).toBe(JSON.stringify(findViolations(tenant, a.decisions, a.model)));
      expect(JSON.stringify(scanSnapshot({ ...tenant, edges: table }, b.decisions))).toBe(JSON.stringify(scanSnapshot(tenant, a.decisions)));
    }
  });

  it("round-trips edges, widens counters past 32 bits, collects touched uids and logs edges whose uids change in place", () => {
    const a = resource("a");
    const b = resource("b");
    const c = resource("c");
    const edges = [edge(a, b), edge(b, c, { bytes: 2 ** 40 + 3 }), edge(c, a), edge(a, a), edge(c, b)];
    delete edges[2]!.dstUid;
    const t = EdgeTable.from(edges.slice(0, 2));
    const touched = new Set<string>();
    for (const e of edges.slice(2)) t.push(e, touched);
    expect([...touched].sort()).toEqual(["a", "b", "c"]);
    expect([...t]).toEqual(edges);
    expect(t.bytes(1)).toBe(2 ** 40 + 3);
    expect(t.edge(2).dstUid).toBeUndefined();
    // A merge that only adds counts is not logged; one that maps a uid later is.
    const later = new Set<string>();
    t.set(0, { ...edges[0]!, bytes: 5 }, later);
    expect([...later].sort()).toEqual(["a", "b"]);
    expect(t.relinked).toEqual([]);
    t.set(2, { ...edges[2]!, dstUid: "a", bytes: 5 }, later);
    expect(t.relinked).toEqual([2]);
    expect(t.edge(2)).toEqual({ ...edges[2]!, dstUid: "a", bytes: 5 });
    expect(t.length).toBe(5);
  });
});

describe("reclassifyTouched asks for a full run", () => {
  it("once an override has expired (the state was decided with it)", () => {
    const db = cdeDb("db");
    const [x, y] = [resource("x"), resource("y")];
    const expiresAt = new Date(Date.parse("2025-06-01T00:00:00Z") + 60_000).toISOString();
    const base = input({ resources: [db, x, y], edges: [edge(x, y)], overrides: [override("y", "connected", { expiresAt })] });
    const table = EdgeTable.from(base.edges as FlowEdge[]);
    const { state } = classifyWithState({ ...base, edges: table });
    expect(state.validUntil).toBe(Date.parse(expiresAt));
    const touched = new Set<string>();
    table.push(edge(x, db), touched);
    expect(reclassifyTouched(state, table, touched, base.now + 120_000)).toEqual({ fullRequired: true, why: "override_expired" });
    const r = reclassifyTouched(state, table, touched, base.now + 1_000);
    expect(r.fullRequired).toBe(false);
    expect(state.decisions.get("x")?.scope).toBe("connected");
    expect(JSON.stringify([...state.decisions])).toBe(JSON.stringify([...classify({ ...base, edges: table })]));
  });
});

describe("out_of_scope.no_path quotes no tenant-wide count", () => {
  it("an edge between two other resources leaves an out-of-scope decision byte-identical; tenantContext has the counts", () => {
    const db = cdeDb("db");
    const [x, y, z] = [resource("x"), resource("y"), resource("z")];
    const one = classifyWithState(input({ resources: [db, x, y, z], edges: [edge(x, y)] }));
    const two = classify(input({ resources: [db, x, y, z], edges: [edge(x, y), edge(y, x), edge(x, y, { port: 80 })] }));
    expect(JSON.stringify(two.get("z"))).toBe(JSON.stringify(one.decisions.get("z")));
    expect(one.decisions.get("z")).toMatchObject({ scope: "out_of_scope", confidence: 0.7 });
    const ctx = tenantContext(one.state);
    expect(ctx).toMatchObject({ flowEdges: 1, mappedEdges: 1, cdeComponents: 1, cdeGroups: 1, hasFlowData: true });
    expect(ctx.checked).toContain("1 flow edges");
  });
});
