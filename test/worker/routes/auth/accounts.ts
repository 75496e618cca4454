import { expect } from "vitest";
import { call, type Json } from "../../helpers.js";

let counter = 0;
export const PASSWORD = "correct horse battery staple";

/** Signs up a new tenant; returns the owner's session token and ids. */
export async function signUpOwner(name = `Tenant ${++counter}`) {
  const email = `owner${Date.now()}${++counter}@example.com`;
  const res = await call("POST", "/v1/auth/signup", { body: { tenantName: name, name: "Olive Owner", email, password: PASSWORD } });
  expect(res.status).toBe(201);
  return { token: res.json.token as string, email, tenantId: res.json.tenant.id as string, userId: res.json.user.id as string };
}

/** Invites someone with `role` into the owner's tenant and accepts; returns their session. */
export async function addMember(ownerToken: string, role: "owner" | "admin" | "analyst" | "viewer") {
  const invite = await call("POST", "/v1/invites", { key: ownerToken, body: { role } });
  expect(invite.status).toBe(201);
  const email = `${role}${Date.now()}${++counter}@example.com`;
  const accepted = await call("POST", "/v1/invites/accept", { body: { token: invite.json.token, name: `A ${role}`, email, password: PASSWORD } });
  expect(accepted.status).toBe(201);
  return { token: accepted.json.token as string, userId: accepted.json.userId as string, email };
}

export type { Json };
