/**
 * End to end: the real collector (CLI, real AWS SDK) discovers the Northwind sample cloud
 * from a local EC2 Query API, summarizes its VPC flow logs, and sends signed batches to the
 * API worker running in `wrangler dev` (real workerd, local D1/R2/Durable Objects); the
 * scope is then read back through the public API.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEc2Server } from "../../collector/sample-cloud/ec2-server.js";
import { northwindAccount } from "../../collector/sample-cloud/company.js";
import { writeNorthwindFlowLogs } from "../../collector/sample-cloud/flow-logs.js";
import { runCollector } from "../../scripts/local/collector.js";
import { freePort } from "../../scripts/local/free-port.js";
import { createTenant } from "../../scripts/local/tenant.js";
import { applyLocalMigrations, startWranglerDev, type RunningWorker } from "../../scripts/local/worker.js";

const work = mkdtempSync(join(tmpdir(), "psg-e2e-"));
const operatorToken = randomBytes(24).toString("hex");
let worker: RunningWorker;
let ec2: { url: string; close(): Promise<void> };
let api: string;
let apiKey: string;

interface Row {
  uid: string;
  name: string;
  scope: string;
  confidence: number;
}

async function get<T>(path: string, key = apiKey): Promise<{ status: number; body: T }> {
  const res = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as T };
}

async function instancesByName(): Promise<Map<string, Row>> {
  const { body } = await get<{ items: Row[] }>("/v1/resources?kind=instance&limit=500");
  return new Map(body.items.map((r) => [r.name, r]));
}

beforeAll(async () => {
  const persist = join(work, "state");
  await applyLocalMigrations(persist);
  worker = await startWranglerDev(await freePort(), { persistTo: persist, vars: { OPERATOR_TOKEN: operatorToken } });
  api = worker.url;
  ({ apiKey } = await createTenant(api, operatorToken, "e2e"));
  ec2 = await startEc2Server({ accounts: [northwindAccount()] });
  const flowDir = join(work, "flowlogs");
  writeNorthwindFlowLogs(flowDir, Math.floor(Date.now() / 1000));
  await runCollector({ api, apiKey, ec2Url: ec2.url, flowDir, stateDir: join(work, "collector"), echo: false });
}, 240_000);

afterAll(async () => {
  await ec2?.close();
  worker?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("collector → signed ingest → tenant scope → API", () => {
  it("discovers every sample instance in both regions", async () => {
    const byName = await instancesByName();
    for (const name of ["checkout-api-1", "card-vault-db", "resolver-1", "bastion", "hr-portal", "clickstream-etl"]) {
      expect(byName.has(name), `${name} discovered`).toBe(true);
    }
    expect(byName.size).toBe(16);
  });

  it("scopes the sample company the way its story says", async () => {
    const byName = await instancesByName();
    const scope = (name: string) => byName.get(name)?.scope;
    expect(scope("checkout-api-1")).toBe("cde");
    expect(scope("card-vault-db")).toBe("cde");
    expect(scope("settlement-batch")).toBe("cde");
    expect(scope("resolver-1")).toBe("security_impacting");
    expect(scope("bastion")).toBe("security_impacting");
    expect(scope("log-shipper")).toBe("security_impacting");
    expect(scope("finance-reporting")).toBe("connected");
    expect(scope("hr-portal")).toBe("out_of_scope");
    expect(scope("cardgame-leaderboard")).toBe("out_of_scope");
    expect(scope("legacy-crm")).toBe("out_of_scope");
  });

  it("explains a decision with the flows that fired it", async () => {
    const byName = await instancesByName();
    const uid = byName.get("finance-reporting")!.uid;
    const { status, body } = await get<{ decision: { reasons: Array<{ rule: string; evidence: Array<{ type: string; dstPort?: number }> }> } }>(
      `/v1/resources/${encodeURIComponent(uid)}`,
    );
    expect(status).toBe(200);
    const flowReason = body.decision.reasons.find((r) => r.evidence.some((e) => e.type === "flow"));
    expect(flowReason?.evidence.find((e) => e.type === "flow")?.dstPort).toBe(5432);
  });

  it("keeps the tagged-out-of-scope CRM's real traffic with the CDE visible", async () => {
    const byName = await instancesByName();
    const { body } = await get<{ decision: { reasons: Array<{ evidence: Array<{ type: string }> }> } }>(
      `/v1/resources/${encodeURIComponent(byName.get("legacy-crm")!.uid)}`,
    );
    expect(body.decision.reasons.some((r) => r.evidence.some((e) => e.type === "flow"))).toBe(true);
  });

  it("applies nothing twice when the collector runs again", async () => {
    const before = await get<{ resources: { byScope: Record<string, number> } }>("/v1/scope/summary");
    const flowsBefore = await get<{ items: Array<{ packets: number }> }>("/v1/flows?limit=500");
    await runCollector({ api, apiKey, ec2Url: ec2.url, flowDir: join(work, "flowlogs"), stateDir: join(work, "collector"), echo: false });
    const after = await get<{ resources: { byScope: Record<string, number> } }>("/v1/scope/summary");
    const flowsAfter = await get<{ items: Array<{ packets: number }> }>("/v1/flows?limit=500");
    expect(after.body.resources.byScope).toEqual(before.body.resources.byScope);
    const total = (rows: Array<{ packets: number }>) => rows.reduce((s, r) => s + r.packets, 0);
    expect(total(flowsAfter.body.items)).toBe(total(flowsBefore.body.items));
  });

  it("refuses another tenant's key and a missing key", async () => {
    const other = await createTenant(api, operatorToken, "someone else");
    const byName = await instancesByName();
    const uid = byName.get("checkout-api-1")!.uid;
    expect((await get(`/v1/resources/${encodeURIComponent(uid)}`, other.apiKey)).status).toBe(404);
    expect((await get<{ items: Row[] }>("/v1/resources?limit=10", other.apiKey)).body.items).toHaveLength(0);
    expect((await get("/v1/scope/summary", "psg_not_a_key")).status).toBe(401);
  });
});
