import { describe, expect, it } from "vitest";
import { buildBoundaryMap, parseMapFilter, OUT_OF_SCOPE_LIMIT, type MapFilter } from "../../../web/src/lib/map/graph.js";
import { layoutBoundaryMap } from "../../../web/src/lib/map/layout.js";
import { boundaryMapSvg } from "../../../web/src/lib/map/svg.js";
import { load as mapLoad } from "../../../web/src/routes/(app)/map/+page.server.js";
import { GET as mapExport } from "../../../web/src/routes/(app)/map/export.svg/+server.js";
import type { FlowEdgeView, ResourceListItem, Scope } from "../../../web/src/lib/types.js";
import { ARN, seededTenant } from "../../worker/fixtures.js";
import { signUpOwner } from "../../worker/routes/auth/accounts.js";
import { classifiedTenant, platform, thrown } from "./platform.js";
import { call } from "../../worker/helpers.js";

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const ALL: MapFilter = { scopes: [], account: null, hideOutOfScope: false, minBytes: 0, plumbing: false };

function res(uid: string, scope: Scope, o: Partial<ResourceListItem> = {}): ResourceListItem {
  return { uid, provider: "aws", account: "111", region: "eu-west-1", kind: "instance", name: uid, tags: {}, stale: false, scope, confidence: 0.9, overridden: false, firstSeen: 0, lastSeen: 0, ...o };
}
function flow(src: string | undefined, dst: string | undefined, port: number, bytes: number, o: Partial<FlowEdgeView> = {}): FlowEdgeView {
  return { srcIp: `10.0.0.${src ?? "99"}`, dstIp: `10.0.1.${dst ?? "99"}`, dstPort: port, protocol: 6, action: "accept", packets: 1, bytes, flows: 1, firstSeen: 0, lastSeen: 0, srcUid: src, dstUid: dst, srcScope: null, dstScope: null, ...o } as FlowEdgeView;
}

describe("boundary map graph (pure)", () => {
  it("aggregates flows per resource pair with ports by bytes, marks CDE-crossing links, drops rejects", () => {
    const rs = [res("db", "cde", { kind: "database" }), res("app", "connected"), res("sg", "connected", { kind: "security_group" })];
    const m = buildBoundaryMap(rs, [flow("app", "db", 5432, 900), flow("app", "db", 22, 100), flow("app", "db", 3389, 5, { action: "reject" }), flow(undefined, "app", 443, 50, { srcIp: "203.0.113.5" })], ALL);
    expect(m.nodes.map((n) => n.id)).toEqual(["ext:internet", "app", "db"]); // plumbing hidden, ordered by group
    const cross = m.edges.find((e) => e.target === "db")!;
    expect(cross).toMatchObject({ source: "app", ports: ["5432/tcp", "22/tcp"], bytes: 1000, flows: 2, crossesCde: true });
    expect(m.edges.find((e) => e.source === "ext:internet")).toMatchObject({ target: "app", crossesCde: false });
  });

  it("filters by scope, account, hidden out of scope and min bytes", () => {
    const rs = [res("db", "cde"), res("app", "connected"), res("old", "out_of_scope"), res("far", "connected", { account: "222" })];
    const fl = [flow("app", "db", 5432, 900), flow("old", "db", 1433, 10), flow("far", "app", 80, 10)];
    expect(buildBoundaryMap(rs, fl, { ...ALL, hideOutOfScope: true }).nodes.map((n) => n.id).sort()).toEqual(["app", "db", "far"]);
    expect(buildBoundaryMap(rs, fl, { ...ALL, account: "111" }).nodes.map((n) => n.id).sort()).toEqual(["app", "db", "old"]);
    expect(buildBoundaryMap(rs, fl, { ...ALL, scopes: ["cde"] }).nodes.map((n) => n.id)).toEqual(["db"]);
    const big = buildBoundaryMap(rs, fl, { ...ALL, minBytes: 100 });
    expect(big.edges).toHaveLength(1);
    expect(big.nodes.find((n) => n.id === "old")).toBeUndefined(); // isolated out-of-scope folds
    expect(parseMapFilter(new URLSearchParams("scope=cde&scope=bogus&hideOos=1&minBytes=12.7&account=111"))).toEqual({ scopes: ["cde"], account: "111", hideOutOfScope: true, minBytes: 12, plumbing: false });
  });

  it("folds many out-of-scope resources per account and keeps their links", () => {
    const rs = [res("db", "cde")];
    const fl: FlowEdgeView[] = [];
    for (let i = 0; i < OUT_OF_SCOPE_LIMIT + 5; i++) {
      rs.push(res(`o${i}`, "out_of_scope", { account: i % 2 ? "111" : "222" }));
      fl.push(flow(`o${i}`, "db", 443, 10));
    }
    for (let i = 0; i < 100; i++) rs.push(res(`quiet${i}`, "out_of_scope"));
    const m = buildBoundaryMap(rs, fl, ALL);
    expect(m.nodes.map((n) => n.id).sort()).toEqual(["db", "fold:out_of_scope:aws:111", "fold:out_of_scope:aws:222"]);
    expect(m.folded).toBe(OUT_OF_SCOPE_LIMIT + 105);
    expect(m.edges.map((e) => e.bytes).sort()).toEqual([220, 230]);
  });
});

describe("boundary map layout in workerd (elkjs bundled)", () => {
  it("places every node inside its scope group and routes every link", async () => {
    const rs = [res("db", "cde"), res("pay", "cde"), res("app", "connected"), res("dns", "security_impacting"), res("old", "out_of_scope")];
    const m = buildBoundaryMap(rs, [flow("app", "pay", 443, 10), flow("pay", "db", 5432, 10), flow("dns", "pay", 53, 1, { protocol: 17 }), flow("old", "app", 80, 1)], ALL);
    const laid = await layoutBoundaryMap(m);
    expect(laid.groups.map((g) => g.group).sort()).toEqual(["cde", "connected", "out_of_scope", "security_impacting"]);
    for (const n of laid.nodes) {
      const g = laid.groups.find((x) => x.group === n.node.group)!;
      expect(n.x).toBeGreaterThanOrEqual(g.x);
      expect(n.x + n.width).toBeLessThanOrEqual(g.x + g.width + 0.5);
      expect(n.y + n.height).toBeLessThanOrEqual(g.y + g.height + 0.5);
    }
    expect(laid.edges.every((e) => e.points.length >= 2)).toBe(true);
    const svg = boundaryMapSvg(laid, { title: "T & <co>", links: false });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('data-group="cde"');
    expect(svg).toContain("T &amp; &lt;co&gt;");
    expect(svg).not.toContain("class=");
    expect(svg).not.toContain("<a ");
  });
});

describe("map page and export", () => {
  async function tenantEvent(url: string) {
    const t = await classifiedTenant(seededTenant(), call);
    return { t, event: { platform, url: new URL(url), request: new Request(url), params: {}, locals: { sessionToken: t.admin, me: { tenant: { name: "Seeded" } } } } as Any };
  }

  it("loads the seeded tenant's map: the CDE database, the payment service's link to it, the internet", async () => {
    const { event } = await tenantEvent("http://web.test/map");
    const data: Any = await mapLoad(event);
    expect(data.total).toBe(5);
    expect(data.svg).toContain('data-group="cde"');
    expect(data.svg).toContain(`data-node="${ARN.db}"`);
    expect(data.svg).toContain(`href="/resources/${encodeURIComponent(ARN.db)}"`);
    expect(data.svg).toContain("5432/tcp");
    expect(data.crossing).toBeGreaterThanOrEqual(1);
  });

  it("exports the same map as a standalone SVG download; signed out is 401; empty tenant says nothing to draw", async () => {
    const { event } = await tenantEvent("http://web.test/map/export.svg?hideOos=1");
    const res = await mapExport(event);
    expect(res.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="boundary-map-\d{4}-\d{2}-\d{2}\.svg"$/);
    const text = await res.text();
    expect(text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns=/);
    expect(text).toContain('data-group="cde"');
    expect(text).not.toContain("href=");
    expect(await thrown(() => mapExport({ ...event, locals: { me: null, sessionToken: null } }))).toMatchObject({ status: 401 });

    const owner = await signUpOwner();
    const empty: Any = { ...event, locals: { sessionToken: owner.token, me: { tenant: { name: "Empty" } } } };
    expect(((await mapLoad(empty)) as Any).svg).toBe("");
    expect(await thrown(() => mapExport(empty))).toMatchObject({ status: 404 });
  });
});

describe("boundary map at scale (pure)", () => {
  it("folds past MAX_NODES boxes: non-CDE per account first, the CDE only if still too many", async () => {
    const { MAX_NODES } = await import("../../../web/src/lib/map/graph.js");
    const rs = [res("db", "cde")];
    const fl: FlowEdgeView[] = [];
    for (let i = 0; i < 400; i++) {
      rs.push(res(`c${i}`, "connected", { account: String(i % 3) }));
      fl.push(flow(`c${i}`, "db", 5432, 10));
    }
    const m = buildBoundaryMap(rs, fl, ALL);
    expect(m.nodes.length).toBeLessThanOrEqual(MAX_NODES);
    expect(m.nodes.map((n) => n.id).sort()).toEqual(["db", "fold:connected:aws:0", "fold:connected:aws:1", "fold:connected:aws:2"]);
    expect(m.edges.reduce((s, e) => s + e.bytes, 0)).toBe(4000);
  });
});
