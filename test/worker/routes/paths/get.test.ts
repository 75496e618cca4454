import { describe, expect, it } from "vitest";
import { call, expectError, newTenant } from "../../helpers.js";
import { scopeTenant, U } from "../violations/scenario.js";

const path = (key: string | undefined, q: Record<string, string>) =>
  call("GET", `/v1/paths?${new URLSearchParams(q).toString()}`, key ? { key } : {});

describe("GET /v1/paths", () => {
  it("answers whether one resource reaches another, with every hop, and what blocks it when it does not", async () => {
    const { t } = await scopeTenant();
    const ok = await path(t.read, { from: U.app, to: U.db, port: "5432" });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ reachable: true, from: U.app, to: U.db, protocol: "tcp", ports: "5432", port: 5432 });
    expect(ok.json.hops).toContainEqual(expect.objectContaining({ step: "destination_ingress", control: U.sgDb, ruleId: `${U.sgDb}#ingress#0`, action: "allow" }));
    expect(ok.json.hops).toContainEqual(expect.objectContaining({ step: "route", control: U.rt, action: "route" }));

    const blocked = await path(t.read, { from: U.crm, to: U.db, port: "5432", protocol: "tcp" });
    expect(blocked.json).toMatchObject({ reachable: false, ports: "", blockedBy: { step: "destination_ingress", control: U.sgDb, action: "implicit_deny" } });
    expect((await path(t.read, { from: U.app, to: U.db, port: "22" })).json.reachable).toBe(false);
    // Without a port: any port and protocol that gets through.
    expect((await path(t.read, { from: U.app, to: U.db })).json).toMatchObject({ reachable: true, ports: "5432" });
    expect((await path(t.read, { from: U.app, to: U.db, protocol: "6" })).json.reachable).toBe(true);
  });

  it("bad input: missing ends, a port or protocol out of range", async () => {
    const { t } = await scopeTenant();
    expectError(await path(t.read, { from: U.app }), 400, "INVALID_REQUEST");
    expectError(await path(t.read, { to: U.db }), 400, "INVALID_REQUEST");
    expectError(await path(t.read, { from: U.app, to: U.db, port: "70000" }), 400, "INVALID_REQUEST");
    expectError(await path(t.read, { from: U.app, to: U.db, port: "http" }), 400, "INVALID_REQUEST");
    expectError(await path(t.read, { from: U.app, to: U.db, protocol: "carrier-pigeon" }), 400, "INVALID_REQUEST");
    expectError(await path(t.read, { from: U.app, to: U.db, protocol: "300" }), 400, "INVALID_REQUEST");
  });

  it("security: 401; an unknown uid or another tenant's is 404 naming which end", async () => {
    const victim = await scopeTenant();
    const attacker = await newTenant();
    expectError(await path(undefined, { from: U.app, to: U.db }), 401, "UNAUTHENTICATED");
    const both = expectError(await path(attacker.read, { from: U.app, to: U.db }), 404, "NOT_FOUND");
    expect(both.message).toContain(`from (${U.app})`);
    expect(both.message).toContain(`to (${U.db})`);
    const to = expectError(await path(victim.t.read, { from: U.app, to: "i-made-up" }), 404, "NOT_FOUND");
    expect(to.message).toContain("to (i-made-up)");
    expect(to.message).not.toContain("from (");
    expect(expectError(await path(victim.t.read, { from: "i-made-up", to: U.db }), 404, "NOT_FOUND").message).toContain("from (i-made-up)");
  });
});
