import canonicalize from "canonicalize";
import { describe, expect, it } from "vitest";
import { canonicalText } from "../../../worker/evidence/canonical.js";
import { scanSnapshotOf } from "../../../worker/evidence/drift-report.js";
import { inventoryCsv } from "../../../worker/evidence/package/csv.js";
import { buildScopeSnapshot, SCOPE_SNAPSHOT_FORMAT, snapshotResources, type ScopeSnapshotV1, type StoredScopeSnapshot } from "../../../worker/evidence/snapshot.js";
import type { ScopeData, ScopeResource } from "../../../worker/evidence/source.js";
import type { Reason } from "../../../worker/scope/types.js";

const NOW = Date.parse("2026-11-01T00:00:00Z");

/**
 * An estate shaped like a classified one: resources in segments of 25 that share their
 * decision's reasons (a path reason naming the segment's controls, a no-path reason, a tag
 * reason for some), cut into 100-row pages cloned as the object's RPC clones them (equal
 * reasons are separate objects across pages; the no-path reason is one object within a page).
 * The engine's real reasons go through the route in snapshot-pages.test.ts.
 */
function segmentedScope(n: number): ScopeData {
  const noPath: Reason = { rule: "out_of_scope.no_path", scope: "out_of_scope", confidence: 0.8, pci: ["PCI DSS 12.5.2"], summary: "No path to or from the CDE", evidence: [{ type: "absence", what: "no accepted flow and no configured path to any CDE component" } as unknown as Reason["evidence"][number]] };
  const rows: ScopeResource[] = Array.from({ length: n }, (_, i) => {
    const seg = Math.floor(i / 25);
    const controls = Array.from({ length: 1 + (seg % 4) }, (_, k) => ({ type: "rule", ruleId: `sg-${seg}#ingress#${k}`, ownerUid: `sg-${seg}`, direction: "ingress", protocol: "tcp", fromPort: 443, toPort: 443, peer: "cidr:10.0.0.0/16", action: "allow" }));
    const path: Reason = { rule: "connected.configured_path", scope: "connected", confidence: 0.6, pci: ["PCI DSS 1.3.1", "PCI DSS 12.5.2"], summary: `Configured network path with CDE components from segment ${seg}`, evidence: controls as unknown as Reason["evidence"] };
    const reasons = seg % 5 === 4 ? [noPath] : seg % 3 === 0 ? [tagReason(`tagged in segment ${seg}`), path] : [path];
    return {
      uid: `arn:aws:ec2:eu-west-1:111111111111:instance/i-${String(i).padStart(5, "0")}`, provider: "aws", account: "111111111111", region: "eu-west-1", kind: "instance", name: `host-${i}`,
      tags: (i % 7 === 0 ? { team: "pay", "pci:scope": "cde" } : {}) as Record<string, string>, stale: i % 50 === 0, scope: i % 97 === 0 ? null : reasons[0]!.scope, confidence: i % 97 === 0 ? null : reasons[0]!.confidence,
      overridden: false, firstSeen: NOW - 86_400_000, lastSeen: NOW - i, reasons: i % 97 === 0 ? [] : reasons,
    };
  });
  const resources: ScopeResource[] = [];
  for (let i = 0; i < rows.length; i += 100) resources.push(...structuredClone(rows.slice(i, i + 100)));
  return {
    tenantId: "tnt_snapshot", tenantName: "Snapshot Co", generatedAt: NOW,
    summary: { resources: { total: n, byScope: {}, stale: 0, overridden: 0 }, byProviderAccount: [], byKind: [], lastScan: { scanId: "s1", collectorId: "c1", parts: 1, committedAt: NOW }, flows: { edges: 0, accepted: 0, rejected: 0, unmapped: 0, packets: 0, bytes: 0, flows: 0 }, classifiedAt: NOW },
    resources, boundaryFlows: [], boundaryFlowsTruncated: false, cdeRules: [],
  };
}

/** The body as a reader gets it back from R2: its canonical bytes parsed. */
const stored = <T>(body: T): T => JSON.parse(canonicalText(body)) as T;

/** The version 1 body of the same data, as artifacts sealed before version 2 hold it. */
function v1Body(data: ScopeData): ScopeSnapshotV1 {
  const { format: _format, reasons: _table, resources, ...head } = buildScopeSnapshot(data);
  return { ...head, resources: resources.map(({ reasonRefs: _refs, ...facts }, i) => ({ ...facts, reasons: data.resources[i]!.reasons })) };
}

const tagReason = (summary: string): Reason => ({ rule: "tag.pci_scope", scope: "cde", confidence: 1, pci: ["PCI DSS 12.5.2"], summary, evidence: [{ type: "tag", key: "pci:scope", value: "cde" }] });

function smallScope(reasons: Reason[][]): ScopeData {
  const data = segmentedScope(0);
  data.resources = reasons.map((rs, i) => ({
    uid: `arn:aws:ec2:eu-west-1:111111111111:instance/i-${i}`, provider: "aws", account: "111111111111", region: "eu-west-1", kind: "instance", name: `host-${i}`, tags: {},
    stale: false, scope: rs.length ? "cde" : null, confidence: rs.length ? 1 : null, overridden: false, firstSeen: NOW, lastSeen: NOW, reasons: rs,
  }));
  return data;
}

describe("scope snapshot body, version 2 (reasons table)", () => {
  const data = segmentedScope(1_500);

  it("expands back to exactly each resource's reasons, in the decision's order, from the stored bytes", () => {
    const body = stored(buildScopeSnapshot(data));
    expect(body.format).toBe(SCOPE_SNAPSHOT_FORMAT);
    const expanded = snapshotResources(body);
    expect(expanded).toHaveLength(data.resources.length);
    for (const [i, r] of expanded.entries()) {
      const want = data.resources[i]!;
      expect(r.uid).toBe(want.uid);
      expect(r.reasons.map((x) => canonicalize(x))).toEqual(want.reasons.map((x) => canonicalize(x)));
    }
    // The estate really has shared reasons, and several reasons per resource in places.
    expect(data.resources.some((r) => r.reasons.length > 1)).toBe(true);
    expect(body.reasons.length).toBeLessThan(data.resources.reduce((n, r) => n + r.reasons.length, 0) / 3);
  });

  it("holds each distinct reason once (equal by RFC 8785 bytes), in order of first use, and every index points into it", () => {
    const body = buildScopeSnapshot(data);
    const texts = body.reasons.map((r) => canonicalText(r));
    expect(new Set(texts).size).toBe(texts.length);
    let next = 0;
    for (const r of body.resources) {
      for (const ref of r.reasonRefs) {
        expect(Number.isInteger(ref) && ref >= 0 && ref < body.reasons.length).toBe(true);
        // A new index is always the next one: the table is in order of first use.
        if (ref >= next) expect(ref).toBe(next++);
      }
    }
    expect(next).toBe(body.reasons.length);
  });

  it("is deterministic: cloned data, and reasons whose keys come in another order, give the same bytes", () => {
    const a = canonicalText(buildScopeSnapshot(data));
    expect(canonicalText(buildScopeSnapshot(structuredClone(data)))).toBe(a);
    const reordered = structuredClone(data);
    for (const r of reordered.resources) r.reasons = r.reasons.map((x) => Object.fromEntries(Object.entries(x).reverse()) as unknown as Reason);
    expect(canonicalText(buildScopeSnapshot(reordered))).toBe(a);
  });

  it("merges equal reasons whether shared, cloned or with keys in another order; keeps different ones apart", () => {
    const shared = tagReason("tagged pci:scope=cde");
    const reversed = Object.fromEntries(Object.entries(structuredClone(shared)).reverse()) as unknown as Reason;
    const other = tagReason("tagged pci:scope=cde on the database");
    const body = buildScopeSnapshot(smallScope([[shared], [shared, other], [], [structuredClone(shared)], [reversed, other]]));
    expect(body.reasons.map((r) => r.summary)).toEqual(["tagged pci:scope=cde", "tagged pci:scope=cde on the database"]);
    expect(body.resources.map((r) => r.reasonRefs)).toEqual([[0], [0, 1], [], [0], [0, 1]]);
    expect(Object.keys(body)).toEqual([...Object.keys(body)].sort());
    expect(Object.keys(body.resources[0]!)).toEqual([...Object.keys(body.resources[0]!)].sort());
  });

  it("is several times smaller than version 1 when segments share their reasons", () => {
    const v2 = canonicalText(buildScopeSnapshot(data)).length;
    const v1 = canonicalText(v1Body(data)).length;
    expect(v2 * 2).toBeLessThan(v1);
  });
});

describe("readers of a stored snapshot accept version 1 and version 2", () => {
  const data = segmentedScope(600);
  const v1 = stored(v1Body(data));
  const v2 = stored(buildScopeSnapshot(data));

  it("a version 1 body (no format, reasons in each resource) reads as it is, and the same as version 2", () => {
    expect((v1 as { format?: string }).format).toBeUndefined();
    expect(snapshotResources(v1)).toBe(v1.resources);
    expect(canonicalText(snapshotResources(v2))).toBe(canonicalText(snapshotResources(v1)));
  });

  it("inventory.csv and the drift view are the same from either version", () => {
    expect(inventoryCsv(snapshotResources(v2))).toBe(inventoryCsv(snapshotResources(v1)));
    const csv = inventoryCsv(snapshotResources(v2)).split("\r\n");
    const first = data.resources.findIndex((r) => r.reasons.length > 0);
    expect(csv[first + 1]).toContain(data.resources[first]!.reasons[0]!.rule);
    expect(scanSnapshotOf(v2, undefined)).toEqual(scanSnapshotOf(v1, undefined));
    expect(scanSnapshotOf(v2, undefined).decisions.some((d) => d.rule === "connected.configured_path")).toBe(true);
  });

  it("a reference outside the table or an unknown format is an error naming it", () => {
    const broken = structuredClone(v2);
    broken.resources[3]!.reasonRefs = [broken.reasons.length];
    expect(() => snapshotResources(broken)).toThrow(new RegExp(`resource ${broken.resources[3]!.uid.replace(/[/.]/g, "\\$&")} names reason ${broken.reasons.length}, but the reasons table has ${broken.reasons.length}`));
    const fractional = structuredClone(v2);
    fractional.resources[0]!.reasonRefs = [0.5];
    expect(() => snapshotResources(fractional)).toThrow(/names reason 0\.5/);
    const future = { ...v2, format: "psg-scope-snapshot/3" } as unknown as StoredScopeSnapshot;
    expect(() => snapshotResources(future)).toThrow(/unknown body format "psg-scope-snapshot\/3"/);
  });
});
