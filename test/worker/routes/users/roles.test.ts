import { describe, expect, it } from "vitest";
import { call, expectError } from "../../helpers.js";
import { addMember, signUpOwner } from "../auth/accounts.js";

describe("roles are enforced in the API", () => {
  it("viewers and analysts read but cannot override, enroll or manage people; admins can", async () => {
    const owner = await signUpOwner();
    const viewer = await addMember(owner.token, "viewer");
    const analyst = await addMember(owner.token, "analyst");
    const admin = await addMember(owner.token, "admin");
    for (const who of [viewer, analyst]) {
      expect((await call("GET", "/v1/resources", { key: who.token })).status).toBe(200);
      expectError(await call("POST", "/v1/overrides", { key: who.token, body: { uid: "i-1", scope: "cde", justification: "because I say so" } }), 403, "FORBIDDEN");
      expectError(await call("POST", "/v1/enrollment-tokens", { key: who.token, body: {} }), 403, "FORBIDDEN");
      expectError(await call("POST", "/v1/invites", { key: who.token, body: { role: "viewer" } }), 403, "FORBIDDEN");
      expectError(await call("PATCH", `/v1/users/${owner.userId}`, { key: who.token, body: { role: "viewer" } }), 403, "FORBIDDEN");
    }
    expect((await call("POST", "/v1/enrollment-tokens", { key: admin.token, body: {} })).status).toBe(201);
    // An override of an unknown uid passes the role check and then finds nothing.
    expectError(await call("POST", "/v1/overrides", { key: admin.token, body: { uid: "i-1", scope: "cde", justification: "because I say so" } }), 404, "NOT_FOUND");
  });

  it("lists people without secrets; changes roles; keeps an owner; only owners touch owners", async () => {
    const owner = await signUpOwner();
    const admin = await addMember(owner.token, "admin");
    const viewer = await addMember(owner.token, "viewer");
    const list = await call("GET", "/v1/users", { key: viewer.token });
    expect(list.status).toBe(200);
    expect(list.json.items.map((u: { role: string }) => u.role)).toEqual(["owner", "admin", "viewer"]);
    expect(JSON.stringify(list.json)).not.toMatch(/password|salt/i);

    const promoted = await call("PATCH", `/v1/users/${viewer.userId}`, { key: admin.token, body: { role: "analyst" } });
    expect(promoted.status).toBe(200);
    expect(promoted.json.role).toBe("analyst");
    expectError(await call("PATCH", `/v1/users/${viewer.userId}`, { key: admin.token, body: { role: "owner" } }), 403, "FORBIDDEN");
    expectError(await call("PATCH", `/v1/users/${owner.userId}`, { key: admin.token, body: { role: "viewer" } }), 403, "FORBIDDEN");
    expectError(await call("PATCH", `/v1/users/${owner.userId}`, { key: owner.token, body: { role: "viewer" } }), 403, "FORBIDDEN");
    expectError(await call("PATCH", `/v1/users/${viewer.userId}`, { key: admin.token, body: { role: "root" } }), 400, "INVALID_REQUEST");
  });

  it("removing someone signs them out; another tenant's user is 404", async () => {
    const owner = await signUpOwner();
    const viewer = await addMember(owner.token, "viewer");
    const other = await signUpOwner();
    expectError(await call("DELETE", `/v1/users/${viewer.userId}`, { key: other.token }), 404, "NOT_FOUND");
    expectError(await call("PATCH", `/v1/users/${viewer.userId}`, { key: other.token, body: { role: "admin" } }), 404, "NOT_FOUND");
    expect((await call("DELETE", `/v1/users/${viewer.userId}`, { key: owner.token })).status).toBe(204);
    expectError(await call("GET", "/v1/resources", { key: viewer.token }), 401, "UNAUTHENTICATED");
    expectError(await call("GET", "/v1/users"), 401, "UNAUTHENTICATED");
  });
});
