import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { PassThroughClient } from "google-auth-library";
import { describe, expect, it } from "vitest";
import { armReadAction, startArmServer } from "../../collector/sample-cloud/arm-server.js";
import { gcpListPermission, startGcpServer } from "../../collector/sample-cloud/gcp-server.js";
import { AZURE_FAMILIES, discoverAzure } from "../../collector/src/providers/azure/index.js";
import { discoverGcp, GCP_FAMILIES } from "../../collector/src/providers/gcp/index.js";
import { azureModel, SUB_A, SUB_B, TENANT } from "./fixtures/azure-model.js";
import { gcpModel, HOST, SERVICE } from "./fixtures/gcp-model.js";

const ROOT = resolve(import.meta.dirname, "../..");
const readJson = async (p: string) => JSON.parse(await readFile(join(ROOT, p), "utf8"));

describe("shipped Azure custom role", () => {
  it("grants exactly the permissions of the registered families, all reads", async () => {
    const role = await readJson("docs/permissions/azure-custom-role.json");
    const needed = [...new Set(AZURE_FAMILIES.flatMap((f) => f.permissions))].sort();
    expect([...role.Actions].sort()).toEqual(needed);
    expect(role.Actions.every((a: string) => /^Microsoft\.[A-Za-z]+(\/[A-Za-z]+)+\/read$/.test(a))).toBe(true);
    expect(role.DataActions).toEqual([]);
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
    expect([...granted].sort()).toEqual([...new Set(GCP_FAMILIES.flatMap((f) => f.permissions))].sort());
    expect(granted.every((p) => /^compute\.[A-Za-z]+\.list$/.test(p) || p === "cloudsql.instances.list" || p === "container.clusters.list")).toBe(true);
  });

  it("covers every Compute call a full discovery actually makes", async () => {
    const server = await startGcpServer({ resources: gcpModel(3), pageSize: 2 });
    try {
      await discoverGcp({ projects: [HOST, SERVICE], apiEndpoint: server.url, sqlAdminEndpoint: server.url, containerEndpoint: server.url, authClient: new PassThroughClient(), maxAttempts: 1 });
      const granted = await gcpRolePermissions();
      const called = [...new Set(server.requests.map((r) => gcpListPermission(r.path) ?? `unknown call ${r.path}`))].sort();
      expect(called.length).toBe(GCP_FAMILIES.length);
      const missing = called.filter((p) => !granted.includes(p));
      expect(missing, `role lacks ${missing.join(", ")}`).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
