import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { scheduledEvidence, tenantHour } from "../../../worker/services/evidence/scheduled.js";
import { seededTenant } from "../fixtures.js";
import { call, newTenant } from "../helpers.js";

describe("scheduled evidence (cron)", () => {
  it("generates a tenant's evidence in its hour, skips empty tenants and other hours", async () => {
    const t = await seededTenant();
    const empty = await newTenant();
    const hour = tenantHour(t.tenantId);
    const at = Date.UTC(2026, 0, 1, hour, 17);
    const run = await scheduledEvidence(env, at);
    expect(run.generated).toContain(t.tenantId);
    expect(run.generated).not.toContain(empty.tenantId);
    const list = await call("GET", "/v1/evidence", { key: t.read });
    expect(list.json.items.map((a: { kind: string }) => a.kind).sort()).toEqual(["audit_log", "data_flow_diagram", "drift_report", "network_diagram", "scope_snapshot", "segmentation_report"]);
    expect(list.json.items[0].createdBy).toBe("system:cron");
    const other = await scheduledEvidence(env, Date.UTC(2026, 0, 1, (hour + 1) % 24, 17));
    expect(other.generated).not.toContain(t.tenantId);
  });
});
