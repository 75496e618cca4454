import { describe, expect, it } from "vitest";
import { mapHref, mapQuery, MAX_NODES, parseMapFilter, type BoundaryMap, type MapEdge, type MapNode } from "../../../web/src/lib/map/graph.js";
import { layoutBoundaryMap } from "../../../web/src/lib/map/layout.js";
import { boundaryMapSvg } from "../../../web/src/lib/map/svg.js";
import { load as mapLoad } from "../../../web/src/routes/(app)/map/+page.server.js";
import { GET as mapExport } from "../../../web/src/routes/(app)/map/export.svg/+server.js";
import { ARN, seededTenant } from "../../worker/fixtures.js";
import { signUpOwner } from "../../worker/routes/auth/accounts.js";
import { classifiedTenant, platform, thrown } from "./platform.js";
import { call } from "../../worker/helpers.js";

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const node = (id: string, group: MapNode["group"], o: Partial<MapNode> = {}): MapNode => ({ id, group, label: id, detail: "instance · 111", uid: id, ...o });
const edge = (source: string, target: string, bytes: number, crossesCde = false): MapEdge => ({ id: `${source}>${target}`, source, target, ports: ["443/tcp"], bytes, flows: 1, crossesCde });

describe("boundary map filter and links (pure)", () => {
  it("reads the filter from the URL and writes it back, network included", () => {
    const f = parseMapFilter(new URLSearchParams("scope=cde&scope=bogus&hideOos=1&minBytes=12.7&account=111&network=vpc-1"));
    expect(f).toEqual({ scopes: ["cde"], account: "111", network: "vpc-1", hideOutOfScope: true, minBytes: 12, plumbing: false });
    expect(mapHref(f)).toBe("/map?scope=cde&account=111&network=vpc-1&hideOos=1&minBytes=12");
    expect(parseMapFilter(new URLSearchParams("network=")).network).toBe(""); // resources without a network
    expect(parseMapFilter(new URLSearchParams("")).network).toBeNull();
    expect(mapQuery(f).getAll("scope")).toEqual(["cde"]);
    expect(mapQuery(f).get("maxNodes")).toBe(String(MAX_NODES));
  });
});

describe("boundary map layout in workerd (elkjs bundled)", () => {
  it("places every node inside its scope group, routes every link; folded boxes link to their drill-down", async () => {
    const m: BoundaryMap = {
      nodes: [
        node("db", "cde"), node("pay", "cde"), node("dns", "security_impacting"), node("old", "out_of_scope"),
        node("g:connected:aws:111:vpc-1", "connected", { uid: undefined, label: "40 resources", count: 40, drill: { scope: "connected", account: "111", network: "vpc-1" } }),
      ],
      edges: [edge("g:connected:aws:111:vpc-1", "pay", 10, true), edge("pay", "db", 10), edge("dns", "pay", 1, true), edge("old", "g:connected:aws:111:vpc-1", 1)],
      shown: 4,
      folded: 40,
      levels: { cde: "resource", connected: "network" },
    };
    const laid = await layoutBoundaryMap(m);
    expect(laid.groups.map((g) => g.group).sort()).toEqual(["cde", "connected", "out_of_scope", "security_impacting"]);
    expect(laid.groups.find((g) => g.group === "connected")!.count).toBe(40);
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
    const linked = boundaryMapSvg(laid, { title: "T", links: true });
    expect(linked).toContain('<a href="/map?scope=connected&amp;account=111&amp;network=vpc-1" data-node="g:connected:aws:111:vpc-1">');
    expect(linked).toContain('<a href="/resources/db" data-node="db">');
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
