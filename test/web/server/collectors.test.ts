import { describe, expect, it } from "vitest";
import { handle } from "../../../web/src/hooks.server.js";
import { load as overview } from "../../../web/src/routes/(app)/+page.server.js";
import { load as collectorsPage } from "../../../web/src/routes/(app)/collectors/+page.server.js";
import { coverage, ingest, newCollector, resource, scan } from "../../worker/helpers.js";
import { signUpOwner } from "../../worker/routes/auth/accounts.js";
import { cookieJar, platform } from "./platform.js";

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function eventFor(token: string, url = "http://web.test/") {
  const event: Any = { cookies: cookieJar({ psg_session: token }), platform, request: new Request(url), url: new URL(url), params: {}, locals: {} };
  await handle({ event, resolve: async () => new Response("ok") } as Any);
  return event;
}

describe("collector health: what the last scan skipped", () => {
  it("overview and collectors page carry each collector's skipped services, and only the tenant's own", async () => {
    const owner = await signUpOwner();
    const tenant = { tenantId: owner.tenantId, admin: owner.token, read: owner.token };
    const skipping = await newCollector(tenant);
    const clean = await newCollector(tenant);
    const idle = await newCollector(tenant);
    const uid = "arn:aws:ec2:eu-west-1:111111111111:instance/i-1";
    await ingest(skipping, scan("s1", [resource(uid)], { coverage: [coverage(["instance"]), coverage(["database"], "skipped", { service: "rds:DescribeDBInstances", reason: "AccessDenied: not authorized" })] }), 1);
    await ingest(clean, scan("s1", [], { coverage: [coverage(["instance"])] }), 1);

    const ov: Any = await overview(await eventFor(owner.token));
    const page: Any = await collectorsPage(await eventFor(owner.token, "http://web.test/collectors"));
    for (const data of [ov, page]) {
      const byId = new Map(data.collectors.map((c: Any) => [c.id, c.coverage]));
      expect(byId.get(skipping.collectorId)).toMatchObject({
        scanId: "s1",
        notOk: 1,
        issues: [{ provider: "aws", account: "111111111111", region: "eu-west-1", service: "rds:DescribeDBInstances", status: "skipped", reason: "AccessDenied: not authorized" }],
      });
      expect(byId.get(clean.collectorId)).toMatchObject({ scanId: "s1", notOk: 0, issues: [] });
      expect(byId.get(idle.collectorId)).toBeNull();
    }

    const stranger = await signUpOwner();
    expect(((await overview(await eventFor(stranger.token))) as Any).collectors).toEqual([]);
  });
});
