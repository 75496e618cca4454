import { describe, expect, it } from "vitest";
import { liveProxy } from "../../../web/src/lib/server/live-proxy.js";
import { load as overview } from "../../../web/src/routes/(app)/+page.server.js";
import { load as driftLoad } from "../../../web/src/routes/(app)/drift/+page.server.js";
import { load as resourceLoad } from "../../../web/src/routes/(app)/resources/[uid]/+page.server.js";
import { actions as violationActions, load as violationsLoad } from "../../../web/src/routes/(app)/violations/+page.server.js";
import { ARN, seededTenant } from "../../worker/fixtures.js";
import { call } from "../../worker/helpers.js";
import { addMember, signUpOwner } from "../../worker/routes/auth/accounts.js";
import { classifiedTenant, formRequest, platform } from "./platform.js";

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

function eventWith(token: string, url: string, role = "owner"): Any {
  return { platform, url: new URL(url), request: new Request(url), params: {}, locals: { sessionToken: token, me: { tenant: { name: "T" }, user: { role } } } };
}

/** The seeded tenant with payments-api (which talks to the card database) declared out of scope: a segmentation violation. */
async function tenantWithViolation() {
  const t = await classifiedTenant(seededTenant(), call);
  const res = await call("POST", "/v1/overrides", { key: t.admin, body: { uid: ARN.pay, scope: "out_of_scope", justification: "declared out of scope for the test" } });
  expect(res.status).toBe(201);
  return t;
}

describe("violations and drift pages", () => {
  it("lists the open violation with severity and evidence; acknowledge then resolve with a comment", async () => {
    const t = await tenantWithViolation();
    const data: Any = await violationsLoad(eventWith(t.admin, "http://web.test/violations"));
    expect(data.filter.status).toBe("open");
    const v = data.page.items.find((x: Any) => x.kind === "flow_cde_out_of_scope");
    expect(v).toMatchObject({ severity: "critical", status: "open", subjects: [ARN.pay], subjectNames: { [ARN.pay]: "payments-api" } });
    expect(v.evidence.length).toBeGreaterThan(0);

    const short: Any = await violationActions.acknowledge({ ...eventWith(t.admin, "http://web.test/violations"), request: formRequest("http://web.test/violations?/acknowledge", { id: v.id, comment: "x" }) });
    expect(short.status).toBe(400);
    expect(short.data.message).toMatch(/Say why you acknowledge it/);

    const ack: Any = await violationActions.acknowledge({ ...eventWith(t.admin, "http://web.test/violations"), request: formRequest("http://web.test/violations?/acknowledge", { id: v.id, comment: "firewall change requested, CHG-1234" }) });
    expect(ack).toEqual({ id: v.id, done: "acknowledge" });
    const acked: Any = await violationsLoad(eventWith(t.admin, "http://web.test/violations?status=acknowledged"));
    expect(acked.page.items.find((x: Any) => x.id === v.id)).toMatchObject({ status: "acknowledged", statusComment: "firewall change requested, CHG-1234" });

    const done: Any = await violationActions.resolve({ ...eventWith(t.admin, "http://web.test/violations"), request: formRequest("http://web.test/violations?/resolve", { id: v.id, comment: "rule removed, verified" }) });
    expect(done).toEqual({ id: v.id, done: "resolve" });
    const all: Any = await violationsLoad(eventWith(t.admin, "http://web.test/violations?status=all"));
    expect(all.filter.status).toBe("all");
    expect(all.page.items.find((x: Any) => x.id === v.id).status).toBe("resolved");
  });

  it("a viewer is told why they cannot triage", async () => {
    const owner = await signUpOwner();
    const viewer = await addMember(owner.token, "viewer");
    const res: Any = await violationActions.resolve({ ...eventWith(viewer.token, "http://web.test/violations", "viewer"), request: formRequest("http://web.test/violations?/resolve", { id: "0123456789abcdef", comment: "not mine to resolve" }) });
    expect(res.status).toBe(403);
    expect(res.data.message).toBe("Your role can read violations but not acknowledge or resolve them; ask an analyst, admin or owner.");
  });

  it("drift, overview panels and the resource history show the override's effects", async () => {
    const t = await tenantWithViolation();
    const drift: Any = await driftLoad(eventWith(t.admin, "http://web.test/drift?window=24h"));
    expect(drift.filter.window).toBe("24h");
    expect(drift.page.items.some((d: Any) => d.uid === ARN.pay && d.kind === "scope_changed")).toBe(true);
    const ov: Any = await overview(eventWith(t.admin, "http://web.test/"));
    expect(ov.violations.map((v: Any) => v.kind)).toContain("flow_cde_out_of_scope");
    expect(ov.drift.length).toBeGreaterThan(0);
    const ev = eventWith(t.admin, `http://web.test/resources/${encodeURIComponent(ARN.pay)}`);
    ev.params = { uid: ARN.pay };
    const detail: Any = await resourceLoad(ev);
    expect(detail.history.map((h: Any) => h.type)).toContain("override");
    expect(detail.history.some((h: Any) => h.type === "drift" && h.kind === "scope_changed")).toBe(true);
  });
});

describe("/live proxy", () => {
  const upgrade = { upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" };

  it("refuses without a session, without an upgrade, and from another origin", async () => {
    const base = eventWith("", "http://web.test/live");
    expect((await liveProxy({ ...base, locals: { sessionToken: null }, request: new Request("http://web.test/live", { headers: upgrade }) })).status).toBe(401);
    expect((await liveProxy({ ...base, request: new Request("http://web.test/live") })).status).toBe(426);
    const t = await classifiedTenant(seededTenant(), call);
    expect((await liveProxy({ ...eventWith(t.admin, "http://web.test/live"), request: new Request("http://web.test/live", { headers: { ...upgrade, origin: "https://evil.example" } }) })).status).toBe(403);
  });

  it("forwards the upgrade to the API with the session's credential and relays the tenant's events", async () => {
    const t = await classifiedTenant(seededTenant(), call);
    const res = await liveProxy({ ...eventWith(t.admin, "http://web.test/live"), request: new Request("http://web.test/live", { headers: { ...upgrade, origin: "http://web.test" } }) });
    expect(res.status).toBe(101);
    const ws = res.webSocket!;
    const messages: Any[] = [];
    ws.accept();
    ws.addEventListener("message", (m) => messages.push(JSON.parse(String(m.data))));
    await expect.poll(() => messages.map((m) => m.type)).toContain("hello");
    await call("POST", "/v1/overrides", { key: t.admin, body: { uid: ARN.pay, scope: "out_of_scope", justification: "declared out of scope for the test" } });
    await expect.poll(() => messages.map((m) => m.type), { timeout: 5000 }).toContain("violation_opened");
    expect(messages.find((m) => m.type === "violation_opened").violation.subjects).toEqual([ARN.pay]);
    ws.close(1000, "done");
  });
});
