import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { tenantScope } from "../../../../worker/durable-objects/tenant-scope/client.js";
import { call, coverage, flowEdge, ingest, newCollector, newTenant, resource, scan, type TestCollector, type TestTenant } from "../../helpers.js";

const uid = (n: string) => `arn:aws:ec2:eu-west-1:111111111111:instance/${n}`;
const uids = async (t: TestTenant) => ((await call("GET", "/v1/resources?limit=500", { key: t.read })).json.items as { uid: string; stale: boolean }[]).map((r) => `${r.uid}${r.stale ? " (stale)" : ""}`).sort();

describe("inventory scans and flows through ingest", () => {
  let t: TestTenant;
  let c: TestCollector;
  beforeEach(async () => {
    t = await newTenant();
    c = await newCollector(t);
  });

  it("commits a scan in 3 parts only when the last part arrives, in any order", async () => {
    const stats = () => tenantScope(env, t.tenantId).stats();
    const p3 = await ingest(c, scan("s1", [resource(uid("i-3"))], { part: 3, parts: 3 }), 1);
    expect(p3.json.scan).toEqual({ scanId: "s1", received: 1, parts: 3, committed: false });
    const p1 = await ingest(c, scan("s1", [resource(uid("i-1"))], { part: 1, parts: 3 }), 2);
    expect(p1.json.scan).toEqual({ scanId: "s1", received: 2, parts: 3, committed: false });
    expect((await stats()).resources).toBe(0);
    expect(await uids(t)).toEqual([]);

    const p2 = await ingest(c, scan("s1", [resource(uid("i-2"))], { part: 2, parts: 3 }), 3);
    expect(p2.json.scan).toEqual({ scanId: "s1", received: 3, parts: 3, committed: true });
    expect(await uids(t)).toEqual([uid("i-1"), uid("i-2"), uid("i-3")]);
    const s = await stats();
    expect(s.stagedRows).toBe(0);
    expect(s.scans).toEqual({ committed: 1, staging: 0 });
    expect(s.decisions).toBe(3);
  });

  it("a part received twice under two seqs counts once", async () => {
    await ingest(c, scan("s1", [resource(uid("i-1"))], { part: 1, parts: 2 }), 1);
    const again = await ingest(c, scan("s1", [resource(uid("i-1"))], { part: 1, parts: 2 }), 2);
    expect(again.json.scan).toMatchObject({ received: 1, committed: false });
    expect(await uids(t)).toEqual([]);
  });

  it("an unfinished scan never makes resources look deleted", async () => {
    await ingest(c, scan("s1", [resource(uid("i-1")), resource(uid("i-2"))]), 1);
    await ingest(c, scan("s2", [resource(uid("i-1"))], { part: 1, parts: 2 }), 2);
    expect(await uids(t)).toEqual([uid("i-1"), uid("i-2")]);
  });

  it("removes absent resources only where coverage is ok and marks them stale where it was skipped", async () => {
    const db = (n: string) => resource(`arn:aws:rds:eu-west-1:111111111111:db:${n}`, { kind: "database" });
    const other = (n: string) => resource(uid(n), { account: "222222222222" });
    await ingest(c, scan("s1", [resource(uid("i-1")), resource(uid("i-2")), db("db-1"), other("i-9")], { coverage: [coverage(["instance"]), coverage(["database"], "ok", { service: "rds:DescribeDBInstances" })] }), 1);
    expect(await uids(t)).toHaveLength(4);

    // Second scan: instances listed fine (i-2 is gone), RDS denied, the other account not looked at.
    await ingest(
      c,
      scan("s2", [resource(uid("i-1"))], {
        coverage: [coverage(["instance"], "ok"), coverage(["database"], "skipped", { service: "rds:DescribeDBInstances", reason: "AccessDenied" })],
      }),
      2,
    );
    expect(await uids(t)).toEqual([`arn:aws:rds:eu-west-1:111111111111:db:db-1 (stale)`, uid("i-1"), uid("i-9")].sort());

    // The database comes back in a later scan: no longer stale.
    await ingest(c, scan("s3", [resource(uid("i-1")), db("db-1")], { coverage: [coverage(["instance"]), coverage(["database"], "ok", { service: "rds" })] }), 3);
    expect(await uids(t)).toEqual([`arn:aws:rds:eu-west-1:111111111111:db:db-1`, uid("i-1"), uid("i-9")].sort());
    expect((await tenantScope(env, t.tenantId).stats()).staleResources).toBe(0);
  });

  it("partial coverage also keeps absent resources, as stale", async () => {
    await ingest(c, scan("s1", [resource(uid("i-1")), resource(uid("i-2"))]), 1);
    await ingest(c, scan("s2", [resource(uid("i-1"))], { coverage: [coverage(["instance"], "partial", { reason: "Throttling" })] }), 2);
    expect(await uids(t)).toEqual([uid("i-1"), `${uid("i-2")} (stale)`]);
  });

  it("merges flow edges by summing, and maps addresses to resources through the IP index", async () => {
    const web = resource(uid("i-web"), { network: { networks: [], subnets: [], securityGroups: [], privateIps: ["10.0.1.10"], publicIps: [] } });
    const dbr = resource(uid("i-db"), { network: { networks: [], subnets: [], securityGroups: [], privateIps: ["10.0.2.20"], publicIps: [] } });
    // A flow seen before its resources were inventoried gets mapped when the scan commits.
    await ingest(c, { kind: "flows", window: { from: 0, to: 60 }, edges: [flowEdge("10.0.1.10", "10.0.2.20", 5432)] }, 1);
    await ingest(c, scan("s1", [web, dbr]), 2);
    await ingest(c, { kind: "flows", window: { from: 60, to: 120 }, edges: [flowEdge("10.0.1.10", "10.0.2.20", 5432, { packets: 1, bytes: 5, flows: 1, firstSeen: 1_600_000_000, lastSeen: 1_800_000_000 })] }, 3);

    const flows = (await call("GET", "/v1/flows", { key: t.read })).json.items;
    expect(flows).toHaveLength(1);
    expect(flows[0]).toMatchObject({ srcUid: uid("i-web"), dstUid: uid("i-db"), packets: 11, bytes: 1005, flows: 3, firstSeen: 1_600_000_000, lastSeen: 1_800_000_000 });
  });

  it("records heartbeats and the collector version", async () => {
    const res = await ingest(c, { kind: "heartbeat", version: "9.9.9", spooled: 3 }, 1);
    expect(res.json.status).toBe("applied");
    const list = await call("GET", "/v1/collectors", { key: t.read });
    expect(list.json.items[0]).toMatchObject({ id: c.collectorId, version: "9.9.9", lastSeq: 1 });
  });
});
