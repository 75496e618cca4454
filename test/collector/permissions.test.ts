import { readFile } from "node:fs/promises";
import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { PassThroughClient } from "google-auth-library";
import { describe, expect, it } from "vitest";
import { armReadAction, startArmServer } from "../../collector/sample-cloud/arm-server.js";
import { gcpListPermission, startGcpServer } from "../../collector/sample-cloud/gcp-server.js";
import { BlobServiceClient } from "@azure/storage-blob";
import { startLoggingServer } from "../../collector/sample-cloud/logging-server.js";
import { AZURE_FLOWLOG_DATA_ACTIONS, readAzureFlowLogBlobs } from "../../collector/src/flowlogs/azure-blobs.js";
import { GCP_FLOWLOG_PERMISSIONS, readGcpFlowLogEntries } from "../../collector/src/flowlogs/gcp-logging.js";
import { FlowSummary } from "../../collector/src/flowlogs/summarize.js";
import { AZURE_FAMILIES, discoverAzure } from "../../collector/src/providers/azure/index.js";
import { discoverGcp, GCP_FAMILIES } from "../../collector/src/providers/gcp/index.js";
import { azureModel, SUB_A, SUB_B, TENANT } from "./fixtures/azure-model.js";
import { startAzurite } from "./fixtures/azurite.js";
import { gcpModel, HOST, SERVICE } from "./fixtures/gcp-model.js";

const ROOT = resolve(import.meta.dirname, "../..");
const readJson = async (p: string) => JSON.parse(await readFile(join(ROOT, p), "utf8"));

describe("shipped Azure custom role", () => {
  it("grants exactly the permissions of the registered families, all reads", async () => {
    const role = await readJson("docs/permissions/azure-custom-role.json");
    const needed = [...new Set(AZURE_FAMILIES.flatMap((f) => f.permissions))].sort();
    expect([...role.Actions].sort()).toEqual(needed);
    expect(role.Actions.every((a: string) => /^Microsoft\.[A-Za-z]+(\/[A-Za-z]+)+\/read$/.test(a))).toBe(true);
    // Data plane: reading the flow-log blobs, and nothing else.
    expect(role.DataActions).toEqual([...AZURE_FLOWLOG_DATA_ACTIONS]);
  });

  it("covers every Blob service call reading flow logs makes (List Blobs, ranged Get Blob: both blobs/read)", async () => {
    const azurite = await startAzurite();
    try {
      // A recording proxy in front of azurite: every REST operation the client sends.
      const seen: string[] = [];
      const target = new URL(azurite.url);
      const proxy = createServer((req, res) => {
        seen.push(`${req.method} ${new URL(req.url ?? "/", azurite.url).searchParams.get("comp") ?? "blob"}`);
        const up = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => (res.writeHead(r.statusCode ?? 502, r.headers), r.pipe(res)));
        req.pipe(up);
      });
      await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
      const proxied = azurite.connectionString.replace(target.host, `127.0.0.1:${(proxy.address() as AddressInfo).port}`);
      const service = BlobServiceClient.fromConnectionString(proxied);
      const c = service.getContainerClient("insights-logs-flowlogflowevent");
      await c.create();
      await c.getBlockBlobClient("resourceId=/X/y=2026/m=11/d=23/h=10/m=00/macAddress=1/PT1H.json").upload('{"records":[]}', 14);
      seen.length = 0;
      const first = await readAzureFlowLogBlobs({ account: azurite.url, service, sink: new FlowSummary(), since: 0 });
      const firstCalls = [...seen];
      await c.getBlockBlobClient("resourceId=/X/y=2026/m=11/d=23/h=10/m=00/macAddress=1/PT1H.json").upload('{"records":[{"a":1}\n,{"b":2}]}', 28);
      seen.length = 0;
      await readAzureFlowLogBlobs({ account: azurite.url, service, sink: new FlowSummary(), previous: first.checkpoint, since: 0 });
      seen.push(...firstCalls);
      // Each REST operation and the data action Azure RBAC checks for it.
      const dataAction: Record<string, string> = { "GET list": AZURE_FLOWLOG_DATA_ACTIONS[0], "GET blob": AZURE_FLOWLOG_DATA_ACTIONS[0] };
      const called = [...new Set(seen)].sort();
      expect(called).toEqual(["GET blob", "GET list"]);
      const role = await readJson("docs/permissions/azure-custom-role.json");
      expect(called.map((op) => dataAction[op]).filter((a) => !role.DataActions.includes(a))).toEqual([]);
      proxy.closeAllConnections();
      proxy.close();
    } finally {
      await azurite.close();
    }
  });

  it("covers every ARM call a full discovery actually makes", async () => {
    const server = await startArmServer({ resources: azureModel(3), pageSize: 2 });
    try {
      const tlsOptions = { ca: server.ca };
      const credential = new ClientSecretCredential(TENANT, "c", "s", { authorityHost: server.url, disableInstanceDiscovery: true, tlsOptions });
      await discoverAzure({ subscriptions: [SUB_A, SUB_B], armEndpoint: server.url, credential, tlsOptions, maxRetries: 0 });
      const role = await readJson("docs/permissions/azure-custom-role.json");
      const called = [...new Set(server.requests.flatMap((r) => (r.action ? [r.action] : [])))].sort();
      expect(called.length).toBeGreaterThanOrEqual(AZURE_FAMILIES.length);
      const missing = called.filter((a) => !role.Actions.some((g: string) => g.toLowerCase() === a.toLowerCase()));
      expect(missing, `role lacks ${missing.join(", ")}`).toEqual([]);
      expect(armReadAction("/subscriptions/s/resourceGroups/r/providers/Microsoft.Sql/servers/x/firewallRules")).toBe("Microsoft.Sql/servers/firewallRules/read");
    } finally {
      await server.close();
    }
  });
});

/** includedPermissions of the shipped role (a flat YAML list). */
async function gcpRolePermissions(): Promise<string[]> {
  const text = await readFile(join(ROOT, "docs/permissions/gcp-custom-role.yaml"), "utf8");
  const after = text.split(/^includedPermissions:\s*$/m)[1] ?? "";
  return [...after.matchAll(/^- (\S+)\s*$/gm)].map((m) => m[1]!);
}

describe("shipped GCP custom role", () => {
  it("grants exactly the permissions of the registered families, all list calls", async () => {
    const granted = await gcpRolePermissions();
    expect([...granted].sort()).toEqual([...new Set([...GCP_FAMILIES.flatMap((f) => f.permissions), ...GCP_FLOWLOG_PERMISSIONS])].sort());
    expect(granted.every((p) => /^compute\.[A-Za-z]+\.list$/.test(p) || ["cloudsql.instances.list", "container.clusters.list", "logging.logEntries.list"].includes(p))).toBe(true);
  });

  it("covers every Compute call a full discovery actually makes", async () => {
    const server = await startGcpServer({ resources: gcpModel(3), pageSize: 2 });
    try {
      await discoverGcp({ projects: [HOST, SERVICE], apiEndpoint: server.url, sqlAdminEndpoint: server.url, containerEndpoint: server.url, authClient: new PassThroughClient(), maxAttempts: 1 });
      const granted = await gcpRolePermissions();
      const called = [...new Set(server.requests.map((r) => gcpListPermission(r.path) ?? `unknown call ${r.path}`))].sort();
      // (reading flow logs is checked below)
      expect(called.length).toBe(GCP_FAMILIES.length);
      const missing = called.filter((p) => !granted.includes(p));
      expect(missing, `role lacks ${missing.join(", ")}`).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("covers the Cloud Logging call reading flow logs makes", async () => {
    const server = await startLoggingServer({ entries: [], pageSize: 1 });
    try {
      await readGcpFlowLogEntries({ project: HOST, endpoint: server.url, authClient: new PassThroughClient(), sink: new FlowSummary(), since: 0, lookbackMs: 0 });
      const granted = await gcpRolePermissions();
      expect(server.requests.map((r) => [r.path, r.status])).toEqual([["/v2/entries:list", 200]]);
      expect(server.requests.map((r) => r.permission).filter((p) => !granted.includes(p))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
