import { describe, expect, it } from "vitest";
import { classify } from "../../worker/scope/classify.js";
import { RULES } from "../../worker/scope/catalog.js";
import { randomTenant } from "./random-tenant.js";

const KNOWN_PCI = new Set<string>(Object.values(RULES).flatMap((r) => [...r.pci]));
const SEEDS = Array.from({ length: 40 }, (_, k) => k * 7919 + 1);

describe("properties over random tenants", () => {
  it.each(SEEDS)("seed %i: one decision per resource, well-formed, deterministic", (seed) => {
    const tenant = randomTenant(seed, 10 + (seed % 60));
    const result = classify(tenant);

    const uids = new Set(tenant.resources.map((r) => r.uid));
    expect(new Set(result.keys())).toEqual(uids);
    expect(result.size).toBe(uids.size);

    for (const [uid, d] of result) {
      expect(d.uid).toBe(uid);
      expect(d.confidence).toBeGreaterThanOrEqual(0);
      expect(d.confidence).toBeLessThanOrEqual(1);
      expect(d.reasons.length).toBeGreaterThan(0);
      expect(d.reasons[0]!.scope).toBe(d.scope);
      expect(d.reasons[0]!.confidence).toBe(d.confidence);
      for (const r of d.reasons) {
        expect(r.rule in RULES).toBe(true);
        expect(r.confidence).toBeGreaterThanOrEqual(0);
        expect(r.confidence).toBeLessThanOrEqual(1);
        for (const ref of r.pci) expect(KNOWN_PCI.has(ref)).toBe(true);
        // Every reason points at something an assessor can look up.
        expect(r.evidence.length).toBeGreaterThan(0);
        for (const e of r.evidence) if (e.type === "flow") expect(e.srcUid !== undefined && e.dstUid !== undefined).toBe(true);
      }
      if (d.scope !== "out_of_scope") expect(d.reasons.some((r) => r.evidence.length > 0)).toBe(true);
      // The deciding reason is an override, else a tag, else the highest-precedence computed reason.
      const declared = d.reasons.find((r) => r.rule === "override.manual") ?? d.reasons.find((r) => r.rule === "tag.pci_scope");
      if (declared) expect(d.reasons[0]).toBe(declared);
    }

    // Same input → identical output, also from a structurally equal copy.
    const again = classify(structuredClone(tenant));
    expect(JSON.stringify([...again])).toBe(JSON.stringify([...result]));
  });

  it.each(SEEDS.slice(0, 10))("seed %i: the order of edges and rules does not change any scope", (seed) => {
    const tenant = randomTenant(seed, 50);
    const shuffled = { ...tenant, edges: [...tenant.edges].reverse(), rules: [...tenant.rules].reverse(), overrides: [...tenant.overrides].reverse() };
    const a = classify(tenant);
    const b = classify(shuffled);
    for (const [uid, d] of a) {
      expect(b.get(uid)?.scope, uid).toBe(d.scope);
      expect(b.get(uid)?.confidence, uid).toBe(d.confidence);
    }
  });

  it.each(SEEDS.slice(0, 10))("seed %i: one hop — everything connected or security_impacting touches a confirmed CDE component", (seed) => {
    const tenant = randomTenant(seed, 60);
    const result = classify(tenant);
    const cde = new Set([...result.values()].filter((d) => d.scope === "cde" && d.confidence >= 0.5).map((d) => d.uid));
    for (const d of result.values()) {
      const computed = d.reasons[0]!;
      if (computed.rule !== "connected.observed_flow" && computed.rule !== "security_impacting.service_to_cde" && computed.rule !== "security_impacting.admin_access") continue;
      const peers = computed.evidence.flatMap((e) => (e.type === "flow" ? [e.srcUid, e.dstUid] : []));
      expect(peers.some((p) => p !== d.uid && p !== undefined && cde.has(p)), d.uid).toBe(true);
    }
  });
});

describe("the random tenants exercise the classifier", () => {
  it("every scope is decided and almost every rule fires somewhere across the seeds", () => {
    const scopes = new Set<string>();
    const fired = new Set<string>();
    for (const seed of SEEDS) {
      for (const d of classify(randomTenant(seed, 10 + (seed % 60))).values()) {
        scopes.add(d.scope);
        for (const r of d.reasons) fired.add(r.rule);
      }
    }
    expect([...scopes].sort()).toEqual(["cde", "connected", "out_of_scope", "security_impacting"]);
    const missing = Object.keys(RULES).filter((id) => !fired.has(id));
    expect(missing).toEqual([]);
  });
});
