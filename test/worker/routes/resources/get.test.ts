import { describe, expect, it } from "vitest";
import { ARN, seededTenant } from "../../fixtures.js";
import { call, expectError, newTenant } from "../../helpers.js";

const path = (uid: string) => `/v1/resources/${encodeURIComponent(uid)}`;

describe("GET /v1/resources/:uid", () => {
  it("returns the resource, its decision with reasons, its flows and its groups' rules", async () => {
    const t = await seededTenant();
    const res = await call("GET", path(ARN.pay), { key: t.read });
    expect(res.status).toBe(200);
    const d = res.json;
    expect(d.resource).toMatchObject({ uid: ARN.pay, name: "payments-api", network: { securityGroups: [ARN.sg] } });
    expect(d.stale).toBe(false);
    expect(d.decision).toMatchObject({ uid: ARN.pay, scope: expect.any(String), confidence: expect.any(Number) });
    expect(d.decision.reasons.length).toBeGreaterThan(0);
    expect(d.flowsOut).toEqual([expect.objectContaining({ dstUid: ARN.db, dstPort: 5432, dstScope: "cde" })]);
    // Top flows by bytes first.
    expect(d.flowsIn.map((f: { dstPort: number }) => f.dstPort)).toEqual([443, 22]);
    expect(d.rules).toEqual([expect.objectContaining({ ownerUid: ARN.sg, fromPort: 443 })]);
    expect(d.override).toBeNull();
  });

  it("limits flows with topFlows", async () => {
    const t = await seededTenant();
    const res = await call("GET", `${path(ARN.pay)}?topFlows=1`, { key: t.read });
    expect(res.json.flowsIn).toHaveLength(1);
    expectError(await call("GET", `${path(ARN.pay)}?topFlows=-1`, { key: t.read }), 400, "INVALID_REQUEST");
  });

  it("404 for an unknown uid", async () => {
    const t = await newTenant();
    expectError(await call("GET", path("arn:aws:ec2:eu-west-1:1:instance/i-nope"), { key: t.read }), 404, "NOT_FOUND");
  });

  it("security: 401 without a key; another tenant's uid is 404, never data", async () => {
    await seededTenant();
    const t = await newTenant();
    expectError(await call("GET", path(ARN.db)), 401, "UNAUTHENTICATED");
    const res = await call("GET", path(ARN.db), { key: t.admin });
    expectError(res, 404, "NOT_FOUND");
    expect(JSON.stringify(res.json)).not.toContain("cards");
  });
});
