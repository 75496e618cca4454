import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectError, ingest, newCollector, newTenant, type Json } from "../../helpers.js";
import { addMember, signUpOwner } from "../auth/accounts.js";
import { inventory, problemFlows, scopeTenant, sendFlows, U } from "./scenario.js";

const byKind = async (key: string, kind: string): Promise<Json> => (await call("GET", `/v1/violations?kind=${kind}`, { key })).json.items[0];
const audit = (tenantId: string, action: string) =>
  env.DB.prepare("SELECT actor, target, detail FROM audit_log WHERE tenant_id = ? AND action = ? ORDER BY seq").bind(tenantId, action).all<{ actor: string; target: string; detail: string }>();

describe("POST /v1/violations/:id/acknowledge and /resolve", () => {
  it("acknowledge then resolve with comments, audited; the next classification re-opens one still found, and one gone is resolved by the system", async () => {
    const { t, c, seq } = await scopeTenant({ flows: true });
    const v = await byKind(t.read, "unmapped_ip_to_cde");
    const ack = await call("POST", `/v1/violations/${v.id}/acknowledge`, { key: t.admin, body: { comment: "Card network health check, ticket SEC-12" } });
    expect(ack.status).toBe(200);
    expect(ack.json).toMatchObject({ id: v.id, status: "acknowledged", statusComment: "Card network health check, ticket SEC-12", statusBy: expect.stringMatching(/^apikey:/), statusAt: expect.any(Number) });
    expect((await byKind(t.read, "unmapped_ip_to_cde")).status).toBe("acknowledged");
    // Still found by the next classification: an acknowledged violation stays acknowledged.
    await sendFlows(c, [problemFlows()[1]!], seq());
    expect((await byKind(t.read, "unmapped_ip_to_cde")).status).toBe("acknowledged");

    const resolved = await call("POST", `/v1/violations/${v.id}/resolve`, { key: t.admin, body: { comment: "Address now inventoried" } });
    expect(resolved.json).toMatchObject({ status: "resolved", statusComment: "Address now inventoried" });
    const rows = (await audit(t.tenantId, "violation.acknowledge")).results.concat((await audit(t.tenantId, "violation.resolve")).results);
    expect(rows.map((r) => [r.target, JSON.parse(r.detail).comment])).toEqual([[v.id, "Card network health check, ticket SEC-12"], [v.id, "Address now inventoried"]]);
    expect(rows[0]!.actor).toBe(ack.json.statusBy);
    // Resolved but still there: the next classification re-opens it.
    await sendFlows(c, [problemFlows()[1]!], seq());
    expect(await byKind(t.read, "unmapped_ip_to_cde")).toMatchObject({ status: "open", statusBy: "system", statusComment: "found again" });

    // The CRM put in scope: its flow violation disappears (resolved by the system) …
    const flow = await byKind(t.read, "flow_cde_out_of_scope");
    expect((await call("POST", "/v1/overrides", { key: t.admin, body: { uid: U.crm, scope: "connected", justification: "Reads card tokens for refunds" } })).status).toBe(201);
    expect(await byKind(t.read, "flow_cde_out_of_scope")).toMatchObject({ id: flow.id, status: "resolved", statusBy: "system", statusComment: "no longer found" });
    // … and comes back, re-opened with its history kept (same id, first seen unchanged).
    expect((await call("DELETE", `/v1/overrides/${encodeURIComponent(U.crm)}`, { key: t.admin })).status).toBe(204);
    expect(await byKind(t.read, "flow_cde_out_of_scope")).toMatchObject({ id: flow.id, status: "open", firstSeen: flow.firstSeen, statusComment: "found again" });
  });

  it("analysts and owners may triage; viewers and read keys may not", async () => {
    const owner = await signUpOwner();
    const analyst = await addMember(owner.token, "analyst");
    const viewer = await addMember(owner.token, "viewer");
    const key = await call("POST", "/v1/api-keys", { key: owner.token, body: { name: "reader", role: "read" } });
    const c = await newCollector({ tenantId: owner.tenantId, admin: owner.token, read: owner.token });
    expect((await ingest(c, inventory("s1") as never, 1)).status).toBe(200);
    await sendFlows(c, problemFlows(), 2);
    const v = await byKind(viewer.token, "internet_to_cde");
    expectError(await call("POST", `/v1/violations/${v.id}/acknowledge`, { key: viewer.token, body: { comment: "looks fine to me" } }), 403, "FORBIDDEN");
    expect(key.status).toBe(201);
    expectError(await call("POST", `/v1/violations/${v.id}/acknowledge`, { key: key.json.apiKey, body: { comment: "looks fine to me" } }), 403, "FORBIDDEN");
    const ack = await call("POST", `/v1/violations/${v.id}/acknowledge`, { key: analyst.token, body: { comment: "Known: WAF in front, CHG-7" } });
    expect(ack.status).toBe(200);
    expect(ack.json.statusBy).toBe(`user:${analyst.userId}`);
    expect((await call("POST", `/v1/violations/${v.id}/resolve`, { key: owner.token, body: { comment: "Public IP removed" } })).json.status).toBe("resolved");
  });

  it("bad input: no or short comment, a malformed id, a resolved violation (409)", async () => {
    const { t } = await scopeTenant({ flows: true });
    const v = await byKind(t.read, "internet_to_cde");
    expectError(await call("POST", `/v1/violations/${v.id}/acknowledge`, { key: t.admin, body: {} }), 400, "INVALID_REQUEST");
    expectError(await call("POST", `/v1/violations/${v.id}/resolve`, { key: t.admin, body: { comment: "" } }), 400, "INVALID_REQUEST");
    expectError(await call("POST", `/v1/violations/${v.id}/resolve`, { key: t.admin, body: "not json" }), 400, "INVALID_REQUEST");
    expectError(await call("POST", "/v1/violations/NOT-AN-ID/resolve", { key: t.admin, body: { comment: "fixed it" } }), 400, "INVALID_REQUEST");
    expect((await call("POST", `/v1/violations/${v.id}/resolve`, { key: t.admin, body: { comment: "fixed it" } })).status).toBe(200);
    expectError(await call("POST", `/v1/violations/${v.id}/acknowledge`, { key: t.admin, body: { comment: "too late" } }), 409, "CONFLICT");
    expectError(await call("POST", `/v1/violations/${v.id}/resolve`, { key: t.admin, body: { comment: "again" } }), 409, "CONFLICT");
  });

  it("security: 401, 403 for a read key, 404 for another tenant's violation (unchanged, nothing audited)", async () => {
    const victim = await scopeTenant({ flows: true });
    const attacker = await newTenant();
    const v = await byKind(victim.t.read, "internet_to_cde");
    const body = { comment: "nothing to see here" };
    expectError(await call("POST", `/v1/violations/${v.id}/resolve`, { body }), 401, "UNAUTHENTICATED");
    expectError(await call("POST", `/v1/violations/${v.id}/resolve`, { key: victim.t.read, body }), 403, "FORBIDDEN");
    expectError(await call("POST", `/v1/violations/${v.id}/resolve`, { key: attacker.admin, body }), 404, "NOT_FOUND");
    expectError(await call("POST", `/v1/violations/${v.id}/acknowledge`, { key: attacker.admin, body }), 404, "NOT_FOUND");
    expectError(await call("POST", "/v1/violations/0123456789abcdef/acknowledge", { key: victim.t.admin, body }), 404, "NOT_FOUND");
    expect((await byKind(victim.t.read, "internet_to_cde")).status).toBe("open");
    for (const tenantId of [victim.t.tenantId, attacker.tenantId]) {
      expect((await audit(tenantId, "violation.resolve")).results).toEqual([]);
      expect((await audit(tenantId, "violation.acknowledge")).results).toEqual([]);
    }
  });
});
