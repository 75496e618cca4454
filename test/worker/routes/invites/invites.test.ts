import { describe, expect, it } from "vitest";
import { call, expectError } from "../../helpers.js";
import { PASSWORD, signUpOwner } from "../auth/accounts.js";

describe("invites", () => {
  it("a one-time link joins the tenant with its role, and only once", async () => {
    const owner = await signUpOwner("Invite Co");
    const invite = await call("POST", "/v1/invites", { key: owner.token, body: { role: "analyst", email: "Ana@Example.com" } });
    expect(invite.status).toBe(201);
    expect(invite.json).toMatchObject({ role: "analyst", email: "ana@example.com", status: "pending" });
    const preview = await call("POST", "/v1/invites/preview", { body: { token: invite.json.token } });
    expect(preview.json).toMatchObject({ tenantName: "Invite Co", role: "analyst", email: "ana@example.com" });

    const wrongEmail = await call("POST", "/v1/invites/accept", { body: { token: invite.json.token, name: "Eve", email: "eve@example.com", password: PASSWORD } });
    expectError(wrongEmail, 410, "INVITE_INVALID");
    const accepted = await call("POST", "/v1/invites/accept", { body: { token: invite.json.token, name: "Ana", email: "ana@example.com", password: PASSWORD } });
    expect(accepted.status).toBe(201);
    expect(accepted.json.tenantId).toBe(owner.tenantId);
    const me = await call("GET", "/v1/sessions/current", { key: accepted.json.token });
    expect(me.json.user.role).toBe("analyst");

    const again = await call("POST", "/v1/invites/accept", { body: { token: invite.json.token, name: "Ana", email: "ana2@example.com", password: PASSWORD } });
    expect(expectError(again, 410, "INVITE_INVALID").message).toMatch(/already used/);
    const list = await call("GET", "/v1/invites", { key: owner.token });
    expect(list.json.items[0].status).toBe("used");
    expect(JSON.stringify(list.json)).not.toContain(invite.json.token);
  });

  it("a revoked link is refused; admins cannot invite owners; other tenants get 404", async () => {
    const owner = await signUpOwner();
    const invite = await call("POST", "/v1/invites", { key: owner.token, body: { role: "admin" } });
    const other = await signUpOwner();
    expectError(await call("POST", `/v1/invites/${invite.json.id}/revoke`, { key: other.token }), 404, "NOT_FOUND");
    expect((await call("POST", `/v1/invites/${invite.json.id}/revoke`, { key: owner.token })).json.status).toBe("revoked");
    expectError(await call("POST", "/v1/invites/preview", { body: { token: invite.json.token } }), 410, "INVITE_INVALID");

    const adminInvite = await call("POST", "/v1/invites", { key: owner.token, body: { role: "admin" } });
    const admin = await call("POST", "/v1/invites/accept", { body: { token: adminInvite.json.token, name: "Adm", email: `adm${Date.now()}@example.com`, password: PASSWORD } });
    expectError(await call("POST", "/v1/invites", { key: admin.json.token, body: { role: "owner" } }), 403, "FORBIDDEN");
    expectError(await call("POST", "/v1/invites/preview", { body: { token: "nonsense" } }), 410, "INVITE_INVALID");
    expectError(await call("POST", "/v1/invites", { body: { role: "viewer" } }), 401, "UNAUTHENTICATED");
  });
});
