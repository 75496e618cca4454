import { describe, expect, it } from "vitest";
import { handle } from "../../../web/src/hooks.server.js";
import { actions as loginActions } from "../../../web/src/routes/(auth)/login/+page.server.js";
import { actions as signupActions } from "../../../web/src/routes/(auth)/signup/+page.server.js";
import { load as appLayout } from "../../../web/src/routes/(app)/+layout.server.js";
import { load as overview } from "../../../web/src/routes/(app)/+page.server.js";
import { load as inventory } from "../../../web/src/routes/(app)/inventory/+page.server.js";
import { actions as collectorActions } from "../../../web/src/routes/(app)/collectors/+page.server.js";
import { actions as resourceActions, load as resourceLoad } from "../../../web/src/routes/(app)/resources/[uid]/+page.server.js";
import { ARN, seededTenant } from "../../worker/fixtures.js";
import { call } from "../../worker/helpers.js";
import { addMember, PASSWORD, signUpOwner } from "../../worker/routes/auth/accounts.js";
import { cookieJar, formRequest, platform, thrown } from "./platform.js";

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The event a page gets after hooks.server.ts ran with this session cookie. */
async function eventFor(token: string | null, url = "http://web.test/") {
  const cookies = cookieJar(token ? { psg_session: token } : {});
  const event: Any = { cookies, platform, request: new Request(url), url: new URL(url), params: {}, locals: {} };
  await handle({ event, resolve: async () => new Response("ok") } as Any);
  return event;
}

describe("sign-up and sign-in actions", () => {
  it("sign-up sets an HttpOnly, Secure, SameSite cookie and redirects to Collectors", async () => {
    const cookies = cookieJar();
    const email = `web${Date.now()}@example.com`;
    const request = formRequest("http://web.test/signup", { tenantName: "Web Co", name: "W", email, password: PASSWORD });
    const r = await thrown(() => signupActions.default({ request, cookies, platform, url: new URL("http://web.test/signup"), locals: { me: null, sessionToken: null } } as Any));
    expect(r).toMatchObject({ status: 303, location: "/collectors?welcome=1" });
    expect(cookies.options.get("psg_session")).toMatchObject({ httpOnly: true, secure: true, sameSite: "lax", path: "/" });
    expect(cookies.get("psg_session")).toMatch(/^psgs_/);
  });

  it("a wrong password fails with 401 and a plain message; no cookie", async () => {
    const owner = await signUpOwner();
    const cookies = cookieJar();
    const request = formRequest("http://web.test/login", { email: owner.email, password: "wrong password" });
    const res: Any = await loginActions.default({ request, cookies, platform, url: new URL("http://web.test/login"), locals: { me: null, sessionToken: null } } as Any);
    expect(res.status).toBe(401);
    expect(res.data.message).toBe("Wrong e-mail address or password.");
    expect(cookies.get("psg_session")).toBeUndefined();
  });
});

describe("app pages", () => {
  it("signed out: every app page redirects to the login with where to come back", async () => {
    const event = await eventFor(null, "http://web.test/inventory?scope=cde");
    expect(await thrown(() => appLayout(event))).toMatchObject({ status: 303, location: "/login?next=%2Finventory%3Fscope%3Dcde" });
    const stale = await eventFor(`psgs_${"B".repeat(43)}`);
    expect(stale.locals.me).toBeNull();
    expect(stale.cookies.get("psg_session")).toBeUndefined();
  });

  it("overview and inventory load through the binding with the URL's filters", async () => {
    const owner = await signUpOwner();
    const event = await eventFor(owner.token, "http://web.test/inventory?scope=cde&limit=50");
    expect(event.locals.me.user.email).toBe(owner.email);
    const inv: Any = await inventory(event);
    expect(inv.limit).toBe(50);
    expect(inv.filter.scope).toBe("cde");
    expect(inv.page.items).toEqual([]);
    const ov: Any = await overview(await eventFor(owner.token));
    expect(ov.summary.resources.total).toBe(0);
    expect(ov.collectors).toEqual([]);
  });

  it("a viewer cannot override (the API refuses, the action says why); another tenant's resource is 404", async () => {
    // A tenant with one resource, via the API-key path the collector tests use.
    const t = await seededTenant();
    const uid = ARN.db;
    expect((await call("GET", `/v1/resources/${encodeURIComponent(uid)}`, { key: t.admin })).status).toBe(200);

    const stranger = await signUpOwner();
    const strangerEvent = await eventFor(stranger.token);
    strangerEvent.params = { uid };
    expect(await thrown(() => resourceLoad(strangerEvent))).toMatchObject({ status: 404 });

    const viewerOwner = await signUpOwner();
    const viewer = await addMember(viewerOwner.token, "viewer");
    const vEvent = await eventFor(viewer.token);
    vEvent.params = { uid: "i-anything" };
    vEvent.request = formRequest("http://web.test/resources/x?/override", { scope: "cde", justification: "a long enough justification" });
    const res: Any = await resourceActions.override(vEvent);
    expect(res.status).toBe(403);
    expect(res.data.message).toBe("Only owners and admins can override a scope decision.");

    const enroll: Any = await collectorActions.createToken({ ...vEvent, request: formRequest("http://web.test/collectors?/createToken", {}) });
    expect(enroll.status).toBe(403);
  });

  it("an owner's enrollment token comes back with the API URL for the docker run line", async () => {
    const owner = await signUpOwner();
    const event = await eventFor(owner.token);
    event.request = formRequest("http://web.test/collectors?/createToken", { name: "prod-eu" });
    const res: Any = await collectorActions.createToken(event);
    expect(res.enrollment.token).toMatch(/^psgenroll_/);
    expect(res.enrollment.apiUrl).toBe("https://api.example");
  });
});
