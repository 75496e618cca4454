import { ClientSecretCredential } from "@azure/identity";
import { PassThroughClient } from "google-auth-library";
import { describe, expect, it } from "vitest";
import { startArmServer } from "../../collector/sample-cloud/arm-server.js";
import { startGcpServer } from "../../collector/sample-cloud/gcp-server.js";
import { memoryLogger } from "../../collector/src/log.js";
import { discoverAzure } from "../../collector/src/providers/azure/index.js";
import { discoverGcp } from "../../collector/src/providers/gcp/index.js";
import { buildNetworkModel, canReach, internetExposures } from "../../worker/scope/reachability/index.js";
import { azureModel, ids, SUB_A, SUB_B, TENANT } from "../collector/fixtures/azure-model.js";
import { gcpModel, gids, HOST, SERVICE } from "../collector/fixtures/gcp-model.js";

// The engine on what the collector discovers from the sample clouds (real SDKs against the
// local ARM and Compute/Cloud SQL servers): the shapes these checks depend on are the real ones.
async function gcp() {
  const server = await startGcpServer({ resources: gcpModel(0), pageSize: 50 });
  try {
    const inv = await discoverGcp({ projects: [HOST, SERVICE], apiEndpoint: server.url, sqlAdminEndpoint: server.url, containerEndpoint: server.url, authClient: new PassThroughClient(), maxAttempts: 2, baseDelayMs: 5, log: memoryLogger() });
    return buildNetworkModel(inv);
  } finally {
    await server.close();
  }
}

async function azure() {
  const server = await startArmServer({ resources: azureModel(0), pageSize: 50 });
  try {
    const tlsOptions = { ca: server.ca };
    const credential = new ClientSecretCredential(TENANT, "client-id", "client-secret", { authorityHost: server.url, disableInstanceDiscovery: true, tlsOptions });
    const inv = await discoverAzure({ subscriptions: [SUB_A, SUB_B], armEndpoint: server.url, scope: "https://management.azure.com/.default", credential, tlsOptions, maxRetries: 1, retryDelayMs: 10, log: memoryLogger() });
    return buildNetworkModel(inv);
  } finally {
    await server.close();
  }
}

describe("the GCP sample cloud", () => {
  it("the app VM reaches the Cloud SQL private IPs (its own project's and a Shared-VPC service project's) inside the VPC", async () => {
    const m = await gcp();
    for (const [db, port] of [[gids.cdePg, "5432"], [gids.reporting, "3306"]] as const) {
      const a = canReach(m, gids.app, db)!;
      expect(a, db).toMatchObject({ reachable: true, ports: port });
      expect(a.hops).toContainEqual(expect.objectContaining({ step: "route", control: gids.vpc, action: "route" }));
    }
  }, 30_000);
});

describe("the Azure sample cloud", () => {
  const u = (s: string) => s.toLowerCase();
  it("evaluates the hub firewall on the spoke's default route, and its DNAT rule as an internet entry point of the app VM", async () => {
    const m = await azure();
    expect(canReach(m, u(ids.vm), u(ids.jumpVm))!.blockedBy).toMatchObject({ step: "firewall", control: u(ids.fw), action: "implicit_deny" });
    const viaFw = internetExposures(m, u(ids.vm)).find((x) => x.entryPoint === u(ids.fw));
    expect(viaFw).toMatchObject({ protocol: "tcp", ports: "8443" });
    expect(viaFw!.hops).toContainEqual(expect.objectContaining({ step: "load_balancer", control: u(ids.fw), ruleId: expect.stringContaining("#egress#dnat:") }));
    expect(internetExposures(m, u(ids.vm)).find((x) => x.entryPoint === u(ids.lb))).toMatchObject({ protocol: "tcp", ports: "443" });
  }, 30_000);
});
