import { describe, expect, it } from "vitest";
import { call, expectError, newTenant } from "../../helpers.js";
import { scopeTenant, U } from "../violations/scenario.js";

const exposure = (key: string | undefined, uid: string) => call("GET", `/v1/resources/${encodeURIComponent(uid)}/exposure`, key ? { key } : {});

describe("GET /v1/resources/:uid/exposure", () => {
  it("lists how the internet reaches a resource (gateway route, group rule), and nothing for one it cannot reach", async () => {
    const { t } = await scopeTenant();
    const res = await exposure(t.read, U.checkout);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ uid: U.checkout, exposed: true });
    expect(res.json.exposures).toHaveLength(1);
    expect(res.json.exposures[0]).toMatchObject({ entryPoint: U.checkout, via: [], protocol: "tcp", ports: "443" });
    expect(res.json.exposures[0].hops).toContainEqual(expect.objectContaining({ step: "internet_gateway", control: U.igw, action: "route" }));
    expect(res.json.exposures[0].hops).toContainEqual(expect.objectContaining({ step: "destination_ingress", control: U.sgWeb, action: "allow" }));
    expect((await exposure(t.read, U.db)).json).toEqual({ uid: U.db, exposed: false, exposures: [] });
  });

  it("bad input: an empty uid segment is not this route", async () => {
    const { t } = await scopeTenant();
    expect((await call("GET", "/v1/resources//exposure", { key: t.read })).status).toBe(404);
    expectError(await exposure(t.read, "x".repeat(2049)), 400, "INVALID_REQUEST");
  });

  it("security: 401; another tenant's or an unknown uid is 404", async () => {
    const victim = await scopeTenant();
    const attacker = await newTenant();
    expectError(await exposure(undefined, U.checkout), 401, "UNAUTHENTICATED");
    expectError(await exposure(attacker.read, U.checkout), 404, "NOT_FOUND");
    expectError(await exposure(victim.t.read, "i-made-up"), 404, "NOT_FOUND");
  });
});
