import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, coverage, expectError, ingest, newCollector, newTenant, resource, scan } from "../../helpers.js";

const uid = (n: string) => `arn:aws:ec2:eu-west-1:111111111111:instance/${n}`;
const denied = coverage(["database"], "skipped", { service: "rds:DescribeDBInstances", reason: "AccessDenied" });
const throttled = coverage(["load_balancer"], "partial", { service: "elbv2:DescribeLoadBalancers", region: "us-east-1", reason: "Throttling" });

describe("collector coverage (GET /v1/collectors, GET /v1/collectors/:id/coverage)", () => {
  it("shows the non-ok entries of the last complete scan only, across its parts", async () => {
    const t = await newTenant();
    const c = await newCollector(t);
    // Before any scan: nothing to say.
    expect((await call("GET", "/v1/collectors", { key: t.read })).json.items[0].coverage).toBeNull();
    expect((await call("GET", `/v1/collectors/${c.collectorId}/coverage`, { key: t.read })).json).toEqual({ collectorId: c.collectorId, coverage: null });

    // s1 in two parts: its entries appear only once the scan is whole.
    await ingest(c, scan("s1", [resource(uid("i-1"))], { part: 1, parts: 2, coverage: [coverage(["instance"]), denied] }), 1);
    expect((await call("GET", "/v1/collectors", { key: t.read })).json.items[0].coverage).toBeNull();
    await ingest(c, scan("s1", [], { part: 2, parts: 2, coverage: [throttled] }), 2);
    const one = (await call("GET", `/v1/collectors/${c.collectorId}/coverage`, { key: t.read })).json.coverage;
    expect(one).toMatchObject({ scanId: "s1", committedAt: expect.any(String), notOk: 2 });
    expect(one.issues).toEqual([
      { provider: "aws", account: "111111111111", region: "us-east-1", service: "elbv2:DescribeLoadBalancers", status: "partial", reason: "Throttling", at: expect.any(String) },
      { provider: "aws", account: "111111111111", region: "eu-west-1", service: "rds:DescribeDBInstances", status: "skipped", reason: "AccessDenied", at: expect.any(String) },
    ]);
    const listed = (await call("GET", "/v1/collectors", { key: t.read })).json.items[0];
    expect(listed.coverage).toEqual(one);

    // s2 starts (part 1 of 2): the last complete scan is still s1.
    await ingest(c, scan("s2", [resource(uid("i-1"))], { part: 1, parts: 2, coverage: [coverage(["instance"])] }), 3);
    expect((await call("GET", `/v1/collectors/${c.collectorId}/coverage`, { key: t.read })).json.coverage.scanId).toBe("s1");
    // s2 completes with everything read: "all services read", and s1's rows are gone.
    await ingest(c, scan("s2", [], { part: 2, parts: 2, coverage: [coverage(["database"], "ok", { service: "rds:DescribeDBInstances" })] }), 4);
    expect((await call("GET", `/v1/collectors/${c.collectorId}/coverage`, { key: t.read })).json.coverage).toMatchObject({ scanId: "s2", notOk: 0, issues: [] });
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM scan_coverage WHERE collector_id = ?").bind(c.collectorId).first<{ n: number }>();
    expect(rows?.n).toBe(0);
  });

  it("a part resent under a new seq does not count its entries twice", async () => {
    const t = await newTenant();
    const c = await newCollector(t);
    await ingest(c, scan("s1", [], { part: 1, parts: 2, coverage: [denied] }), 1);
    await ingest(c, scan("s1", [], { part: 1, parts: 2, coverage: [denied] }), 2);
    await ingest(c, scan("s1", [], { part: 2, parts: 2, coverage: [] }), 3);
    expect((await call("GET", `/v1/collectors/${c.collectorId}/coverage`, { key: t.read })).json.coverage).toMatchObject({ notOk: 1 });
  });

  it("bad input: an over-long id is 400 naming the id; an unknown one 404", async () => {
    const t = await newTenant();
    const res = await call("GET", `/v1/collectors/${"x".repeat(65)}/coverage`, { key: t.read });
    expectError(res, 400, "INVALID_REQUEST");
    expect(res.json.error.message).toMatch(/id/);
    expectError(await call("GET", "/v1/collectors/col_nope/coverage", { key: t.read }), 404, "NOT_FOUND");
  });

  it("security: needs a key; another tenant's collector is 404 and its coverage is not listed", async () => {
    const a = await newTenant();
    const b = await newTenant();
    const cb = await newCollector(b);
    await ingest(cb, scan("s1", [], { coverage: [denied] }), 1);
    expectError(await call("GET", `/v1/collectors/${cb.collectorId}/coverage`), 401, "UNAUTHENTICATED");
    expectError(await call("GET", `/v1/collectors/${cb.collectorId}/coverage`, { key: a.read }), 404, "NOT_FOUND");
    expect((await call("GET", "/v1/collectors", { key: a.read })).json.items).toEqual([]);
    expect((await call("GET", `/v1/collectors/${cb.collectorId}/coverage`, { key: b.read })).json.coverage.notOk).toBe(1);
  });
});
