import { describe, expect, it } from "vitest";
import { seriesChart, type TrendPoint } from "../../../web/src/lib/trend/chart.js";
import { load as overview } from "../../../web/src/routes/(app)/+page.server.js";
import { seededTenant } from "../../worker/fixtures.js";
import { call } from "../../worker/helpers.js";
import { signUpOwner } from "../../worker/routes/auth/accounts.js";
import { classifiedTenant, platform } from "./platform.js";

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const point = (at: number, cde: number, out_of_scope = 100): TrendPoint => ({ at, cde, connected: 0, security_impacting: 0, out_of_scope, unclassified: 0, total: cde + out_of_scope });

describe("scope trend chart (pure)", () => {
  const box = { width: 200, height: 50, from: 0, to: 1000, pad: 0 };

  it("places points by time across the requested range and scales each series on its own", () => {
    const c = seriesChart([point(0, 0), point(500, 5), point(1000, 10, 90_000)], "cde", box);
    expect(c.dots).toEqual([{ x: 0, y: 50 }, { x: 100, y: 25 }, { x: 200, y: 0 }]);
    expect(c.line).toBe("M0,50L100,25L200,0");
    expect(c.area).toBe("M0,50L100,25L200,0L200,50L0,50Z");
    expect(c).toMatchObject({ first: 0, last: 10, min: 0, max: 10 });
    // The out-of-scope series goes from 100 to 90,000 on its own scale, not the CDE's.
    expect(seriesChart([point(0, 0), point(1000, 10, 90_000)], "out_of_scope", box).dots[1]).toEqual({ x: 200, y: 0 });
  });

  it("a flat series sits mid-height; a single point is a short visible stroke; no points draw nothing", () => {
    const flat = seriesChart([point(0, 7), point(1000, 7)], "cde", box);
    expect(flat.dots.map((d) => d.y)).toEqual([25, 25]);
    const one = seriesChart([point(1000, 3)], "cde", box);
    expect(one.line).toBe("M200,25L200,25");
    expect(one.area).toBe("");
    expect(seriesChart([], "cde", box)).toMatchObject({ line: "", area: "", dots: [], first: 0, last: 0 });
  });

  it("points outside the range are clamped to its edges", () => {
    expect(seriesChart([point(-500, 1), point(2000, 2)], "cde", box).dots.map((d) => d.x)).toEqual([0, 200]);
  });
});

describe("overview trend", () => {
  it("loads the tenant's trend for the range in the URL (90 days unless one of the offered ranges)", async () => {
    const t = await classifiedTenant(seededTenant(), call);
    const event = (url: string): Any => ({ platform, url: new URL(url), request: new Request(url), params: {}, locals: { sessionToken: t.admin, me: { tenant: { name: "Seeded" } } } });
    const data: Any = await overview(event("http://web.test/?trend=7"));
    expect(data.trend).toMatchObject({ days: 7, resolution: "hour" });
    expect(data.trend.points.at(-1)).toMatchObject({ total: 5, cde: data.summary.resources.byScope.cde });
    expect(((await overview(event("http://web.test/?trend=12"))) as Any).trend.days).toBe(90);
  });

  it("a new tenant's trend is empty (the page shows what to do next)", async () => {
    const owner = await signUpOwner();
    const url = "http://web.test/";
    const data: Any = await overview({ platform, url: new URL(url), request: new Request(url), params: {}, locals: { sessionToken: owner.token, me: { tenant: { name: "New" } } } } as Any);
    expect(data.trend.points).toEqual([]);
  });
});
