import { describe, expect, it } from "vitest";
import { handle } from "../../../web/src/hooks.server.js";
import { actions, load } from "../../../web/src/routes/(app)/settings/api-keys/+page.server.js";
import { call } from "../../worker/helpers.js";
import { addMember, signUpOwner } from "../../worker/routes/auth/accounts.js";
import { cookieJar, formRequest, platform } from "./platform.js";

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

async function eventFor(token: string, url = "http://web.test/settings/api-keys") {
  const event: Any = { cookies: cookieJar({ psg_session: token }), platform, request: new Request(url), url: new URL(url), params: {}, locals: {} };
  await handle({ event, resolve: async () => new Response("ok") } as Any);
  return event;
}

describe("settings: API keys", () => {
  it("an owner creates a key, sees it listed (prefix, role, never the key), revokes it without JavaScript; the key stops working", async () => {
    const owner = await signUpOwner();
    const event = await eventFor(owner.token);
    event.request = formRequest("http://web.test/settings/api-keys?/create", { name: "SIEM export", role: "read" });
    const created: Any = await actions.create(event);
    expect(created.created.apiKey).toMatch(/^psg_/);
    expect((await call("GET", "/v1/scope/summary", { key: created.created.apiKey })).status).toBe(200);

    const listed: Any = await load(await eventFor(owner.token));
    const key = listed.keys.find((k: Any) => k.name === "SIEM export");
    expect(key).toMatchObject({ role: "read", prefix: created.created.prefix, revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.created.apiKey);

    const revokeEvent = await eventFor(owner.token);
    revokeEvent.request = formRequest("http://web.test/settings/api-keys?/revoke", { id: key.id });
    const revoked: Any = await actions.revoke(revokeEvent);
    expect(revoked.revoked).toContain("SIEM export");
    expect((await call("GET", "/v1/scope/summary", { key: created.created.apiKey })).status).toBe(401);
    expect(((await load(await eventFor(owner.token))) as Any).keys.find((k: Any) => k.id === key.id).revokedAt).not.toBeNull();
  });

  it("a revoke with a bad or unknown id fails with a message and changes nothing", async () => {
    const owner = await signUpOwner();
    const bad = await eventFor(owner.token);
    bad.request = formRequest("http://web.test/settings/api-keys?/revoke", { id: "'; drop table" });
    const r1: Any = await actions.revoke(bad);
    expect(r1.status).toBe(400);
    expect(r1.data.message).toMatch(/not one of the keys/);
    const unknown = await eventFor(owner.token);
    unknown.request = formRequest("http://web.test/settings/api-keys?/revoke", { id: "0".repeat(16) });
    const r2: Any = await actions.revoke(unknown);
    expect(r2.status).toBe(404);
  });

  it("a viewer sees no list and cannot revoke; another tenant's key is not found and keeps working", async () => {
    const owner = await signUpOwner();
    const viewer = await addMember(owner.token, "viewer");
    expect(((await load(await eventFor(viewer.token))) as Any).keys).toBeNull();

    const other = await signUpOwner();
    const e = await eventFor(other.token);
    e.request = formRequest("http://web.test/settings/api-keys?/create", { name: "theirs", role: "read" });
    const theirs: Any = await actions.create(e);
    const id = theirs.created.prefix.slice(4);

    const v = await eventFor(viewer.token);
    v.request = formRequest("http://web.test/settings/api-keys?/revoke", { id });
    const r: Any = await actions.revoke(v);
    expect(r.status).toBe(403);
    expect(r.data.message).toBe("Only owners and admins can revoke API keys.");
    const o = await eventFor(owner.token);
    o.request = formRequest("http://web.test/settings/api-keys?/revoke", { id });
    expect(((await actions.revoke(o)) as Any).status).toBe(404);
    expect((await call("GET", "/v1/scope/summary", { key: theirs.created.apiKey })).status).toBe(200);
  });
});
