import { evictDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { tenantScope } from "../../../../worker/durable-objects/tenant-scope/client.js";
import { call, expectError, ingest, newCollector, newTenant, type Json } from "../../helpers.js";
import { addMember, signUpOwner } from "../auth/accounts.js";
import { inventory, problemFlows, scopeTenant, sendFlows, U } from "../violations/scenario.js";

/** Opens /v1/live as a client would and collects its JSON messages. */
async function openLive(key: string) {
  const res = await exports.default.fetch(new Request("http://api.test/v1/live", { headers: { upgrade: "websocket", authorization: `Bearer ${key}` } }));
  expect(res.status).toBe(101);
  const ws = res.webSocket!;
  ws.accept();
  const messages: Json[] = [];
  const waiters: (() => void)[] = [];
  ws.addEventListener("message", (e) => {
    messages.push(JSON.parse(e.data as string));
    for (const w of waiters.splice(0)) w();
  });
  /** Resolves with the first message (from the start) of `type` that matches. */
  const next = async (type: string, match: (m: Json) => boolean = () => true, timeoutMs = 5000): Promise<Json> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = messages.find((m) => m.type === type && match(m));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} message; got ${messages.map((m) => m.type).join(", ")}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
  };
  return { ws, messages, next };
}

describe("GET /v1/live", () => {
  it("greets with the summary, then pushes scope changes, drift, violations and the summary after a flows batch and an override", async () => {
    const { t, c, seq } = await scopeTenant();
    const live = await openLive(t.read);
    const hello = await live.next("hello");
    expect(hello.summary.resources.total).toBe(12);

    await sendFlows(c, problemFlows(), seq());
    const opened = await live.next("violation_opened", (m) => m.violation.kind === "flow_cde_out_of_scope");
    expect(opened).toMatchObject({ reopened: false, violation: { status: "open", subjects: [U.crm], severity: "critical" } });
    const drift = await live.next("drift");
    expect(drift).toMatchObject({ cause: "flows", total: 2 });
    expect(drift.events.map((e: Json) => e.kind)).toEqual(["new_boundary_flow", "new_boundary_flow"]);
    expect((await live.next("violation_resolved")).violation).toMatchObject({ kind: "path_cde_out_of_scope", statusBy: "system" });
    expect((await live.next("summary")).summary.flows.edges).toBe(2);

    const set = await call("POST", "/v1/overrides", { key: t.admin, body: { uid: U.app, scope: "cde", justification: "Tokenizes card numbers in memory" } });
    expect(set.status).toBe(201);
    const changed = await live.next("scope_changed", (m) => m.cause === "override");
    expect(changed.changes).toContainEqual({ uid: U.app, before: { scope: "connected", rule: expect.any(String) }, after: { scope: "cde", rule: "override.manual" } });
    expect(changed.total).toBe(changed.changes.length);

    const v = opened.violation;
    expect((await call("POST", `/v1/violations/${v.id}/acknowledge`, { key: t.admin, body: { comment: "Refund job, moving it in Q3" } })).status).toBe(200);
    expect((await live.next("violation_acknowledged")).violation).toMatchObject({ id: v.id, status: "acknowledged", statusComment: "Refund job, moving it in Q3" });
    live.ws.close(1000, "done");
  });

  it("sockets survive the object's eviction (hibernation) and still receive events; a session user connects too", async () => {
    const owner = await signUpOwner();
    const viewer = await addMember(owner.token, "viewer");
    const live = await openLive(viewer.token);
    await live.next("hello");
    await evictDurableObject(tenantScope(env, owner.tenantId));
    const c = await newCollector({ tenantId: owner.tenantId, admin: owner.token, read: owner.token });
    expect((await ingest(c, inventory("s1") as never, 1)).status).toBe(200);
    expect((await live.next("summary")).summary.resources.total).toBe(12);
    live.ws.close(1000, "done");
  });

  it("bad input: a plain GET without the upgrade is 400", async () => {
    const t = await newTenant();
    expectError(await call("GET", "/v1/live", { key: t.read }), 400, "INVALID_REQUEST");
  });

  it("security: no credentials or a bad key is 401 and no socket; a tenant hears only its own events", async () => {
    const noKey = await exports.default.fetch(new Request("http://api.test/v1/live", { headers: { upgrade: "websocket" } }));
    expect(noKey.status).toBe(401);
    expect(noKey.webSocket).toBeNull();
    const bad = await exports.default.fetch(new Request("http://api.test/v1/live", { headers: { upgrade: "websocket", authorization: "Bearer psg_0000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" } }));
    expect(bad.status).toBe(401);

    const victim = await scopeTenant();
    const other = await newTenant();
    const eavesdropper = await openLive(other.read);
    await eavesdropper.next("hello");
    await sendFlows(victim.c, problemFlows(), victim.seq());
    await new Promise((r) => setTimeout(r, 300));
    expect(eavesdropper.messages.map((m) => m.type)).toEqual(["hello"]);
    eavesdropper.ws.close(1000, "done");
  });
});
