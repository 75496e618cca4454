import { ClientSecretCredential } from "@azure/identity";
import { afterEach, describe, expect, it } from "vitest";
import { Coverage, Resource, Route, Rule } from "../../../contract/index.js";
import { type ArmServer, type ArmServerOptions, startArmServer } from "../../../collector/sample-cloud/arm-server.js";
import { memoryLogger } from "../../../collector/src/log.js";
import { discoverAzure } from "../../../collector/src/providers/azure/index.js";
import { azureModel, ids, SUB_A, SUB_B, TENANT } from "../fixtures/azure-model.js";

// The real @azure/identity + arm-network/compute/sql clients against a local HTTPS ARM + token server.
let server: ArmServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

export async function discoverLocal(opts: Partial<ArmServerOptions> = {}, maxRetries = 2) {
  server = await startArmServer({ resources: azureModel(5), pageSize: 2, ...opts });
  const tlsOptions = { ca: server.ca };
  const credential = new ClientSecretCredential(TENANT, "client-id", "client-secret", { authorityHost: server.url, disableInstanceDiscovery: true, tlsOptions });
  const log = memoryLogger();
  const inv = await discoverAzure({
    subscriptions: [SUB_A, SUB_B],
    armEndpoint: server.url,
    scope: "https://management.azure.com/.default",
    credential,
    tlsOptions,
    maxRetries,
    retryDelayMs: 10,
    log,
  });
  return { inv, log, server };
}

const uid = (id: string) => id.toLowerCase();
const cov = (inv: { coverage: Coverage[] }, sub: string, service: string) => inv.coverage.find((c) => c.account === sub && c.service === service);

describe("Azure discovery against a local ARM server", () => {
  it("reads both subscriptions through nextLink pages into valid, linked contract objects", async () => {
    const { inv, server, log } = await discoverLocal();
    for (const r of inv.resources) Resource.parse(r);
    for (const r of inv.rules) Rule.parse(r);
    for (const r of inv.routes) Route.parse(r);
    for (const c of inv.coverage) Coverage.parse(c);
    expect(server.tokensIssued).toBeGreaterThanOrEqual(1);
    expect(server.requests.some((r) => r.path.includes("/providers/Microsoft.Network/networkSecurityGroups") && r.status === 200)).toBe(true);
    // 5 extra NSGs at 2 a page: the SDK followed nextLink.
    expect(inv.resources.filter((r) => r.account === SUB_B && r.kind === "security_group")).toHaveLength(5);
    expect(inv.coverage.every((c) => c.status === "ok")).toBe(true);
    expect(inv.coverage).toHaveLength(24);
    // Progress: one JSON line per finished list here (the logger throttles them in production), ending at 24/24.
    const progress = log.lines.filter((l) => l.msg === "progress" && l.task === "azure-discovery");
    expect(progress.at(-1)).toMatchObject({ level: "info", lists: "24/24" });

    const vm = inv.resources.find((r) => r.uid === uid(ids.vm));
    expect(vm).toMatchObject({
      provider: "azure",
      account: SUB_A,
      region: "westeurope",
      kind: "instance",
      name: "app-vm",
      tags: { pci: "cde", owner: "payments" },
      network: {
        networks: [uid(ids.vnet)],
        subnets: [uid(ids.appSubnet)],
        securityGroups: [uid(ids.nsg), uid(ids.asg)],
        privateIps: ["10.10.1.4"],
        publicIps: ["20.1.2.3"],
      },
      attributes: { vmSize: "Standard_D2s_v3", osType: "Linux" },
    });
    const subnet = inv.resources.find((r) => r.uid === uid(ids.dbSubnet));
    expect(subnet?.attributes).toMatchObject({ addressPrefix: "10.10.2.0/24", cidrBlock: "10.10.2.0/24" });
    expect(inv.resources.find((r) => r.uid === uid(ids.nsg))?.network.subnets).toEqual([uid(ids.appSubnet)]);
    // The subnet named its route table in other casing: uids are lower-case so it still joins.
    expect(inv.resources.find((r) => r.uid === uid(ids.rt))?.network.subnets).toEqual([uid(ids.appSubnet)]);

    const peering = inv.resources.find((r) => r.kind === "peering" && r.account === SUB_A);
    expect(peering?.attributes).toMatchObject({ requesterVpc: uid(ids.vnet), accepterVpc: uid(ids.hubVnet), status: "Connected" });

    const lb = inv.resources.find((r) => r.uid === uid(ids.lb));
    // A backend pool VM, and the VM behind an inbound NAT rule (public port 50001 straight to its RDP).
    // Its frontend is public (no subnet): it is placed in the VNet of its backend pool.
    expect(lb).toMatchObject({ kind: "load_balancer", network: { networks: [uid(ids.vnet)], subnets: [], publicIps: ["20.1.2.4"] }, attributes: { scheme: "internet-facing", targets: [uid(ids.vm), uid(ids.adminVm)], natPorts: ["Tcp/50001->3389"] } });
    const agw = inv.resources.find((r) => r.uid === uid(ids.agw));
    expect(agw?.attributes).toMatchObject({ scheme: "internal", targets: [uid(ids.vm)], targetFqdns: ["legacy.example.com"], wafEnabled: true });

    expect(inv.routes.map((r) => [r.destination, r.target.kind, r.target.uid, r.state])).toEqual([
      ["0.0.0.0/0", "virtual_appliance", uid(ids.fw), "active"],
      ["10.10.0.0/16", "local", undefined, "active"],
      ["192.168.0.0/16", "blackhole", undefined, "blackhole"],
    ]);
  });

  it("normalizes NSG rules: priority, deny, service tags, ASGs, port lists, default rules", async () => {
    const { inv } = await discoverLocal();
    const nsg = uid(ids.nsg);
    const rules = inv.rules.filter((r) => r.ownerUid === nsg);
    expect(rules.map((r) => [r.direction, r.action, r.priority, r.protocol, r.fromPort, r.toPort, r.peer])).toEqual([
      ["ingress", "allow", 100, "tcp", 443, 443, { kind: "service_tag", value: "Internet" }],
      ["ingress", "deny", 200, "tcp", 22, 22, { kind: "any" }],
      ["ingress", "allow", 300, "tcp", 8080, 8081, { kind: "group", value: uid(ids.asg) }],
      ["ingress", "allow", 300, "tcp", 9443, 9443, { kind: "group", value: uid(ids.asg) }],
      ["ingress", "allow", 500, "tcp", 3389, 3389, { kind: "cidr", value: "203.0.113.10/32" }],
      ["ingress", "allow", 500, "tcp", 3389, 3389, { kind: "cidr", value: "198.51.100.0/24" }],
      ["egress", "allow", 100, "tcp", 1433, 1433, { kind: "service_tag", value: "Sql.WestEurope" }],
      ["ingress", "allow", 65000, "all", 0, 65535, { kind: "service_tag", value: "VirtualNetwork" }],
      ["ingress", "allow", 65001, "all", 0, 65535, { kind: "service_tag", value: "AzureLoadBalancer" }],
      ["ingress", "deny", 65500, "all", 0, 65535, { kind: "any" }],
      ["egress", "allow", 65001, "all", 0, 65535, { kind: "service_tag", value: "Internet" }],
    ]);
    // The ASG that rule names resolves to its members: the NIC and its VM carry it as a group.
    expect(inv.resources.find((r) => r.uid === uid(ids.asg))?.attributes.members).toEqual([uid(ids.nic), uid(ids.vm)]);
    // A deny that covers one host of the NSG is not sent as covering all of them.
    expect(inv.resources.find((r) => r.uid === nsg)?.attributes.denyRulesNotSent).toEqual(["deny-one-host"]);
  });

  it("normalizes Azure Firewall rules: policy chain across subscriptions, IP groups, DNAT, classic collections, evaluation order", async () => {
    const { inv } = await discoverLocal();
    const rows = (owner: string) => inv.rules.filter((r) => r.ownerUid === uid(owner)).map((r) => [r.direction, r.action, r.priority, r.protocol, r.fromPort, r.toPort, r.peer]);
    // DNAT first, then network collections (base policy's before the child's), then application rules.
    expect(rows(ids.fw)).toEqual([
      ["ingress", "allow", 1, "tcp", 443, 443, { kind: "any" }],
      ["egress", "allow", 1, "tcp", 8443, 8443, { kind: "cidr", value: "10.10.1.4/32" }],
      ["egress", "deny", 2, "all", 0, 65535, { kind: "cidr", value: "198.18.0.0/15" }],
      ["ingress", "allow", 4, "tcp", 1433, 1433, { kind: "prefix_list", value: uid(ids.ipGroup) }],
      ["egress", "allow", 4, "tcp", 1433, 1433, { kind: "cidr", value: "10.10.2.0/24" }],
      ["ingress", "allow", 5, "tcp", 443, 443, { kind: "cidr", value: "10.10.1.0/24" }],
      ["egress", "allow", 5, "tcp", 443, 443, { kind: "service_tag", value: "FQDN:api.stripe.com" }],
    ]);
    const fw = inv.resources.find((r) => r.uid === uid(ids.fw))!;
    expect(fw.attributes).toMatchObject({
      firewallPolicy: uid(ids.fwPolicy),
      basePolicies: [uid(ids.basePolicy)],
      rulesRead: true,
      ruleSemantics: "transit",
      // A deny between two narrow sides would close more than it does if split in halves: listed, not sent.
      denyRulesNotSent: ["org/deny-spoke-to-hub-ssh/ssh"],
      dnat: ["tcp 443 -> 10.10.1.4:8443"],
      dnatTargets: [uid(ids.vm)],
    });
    expect(inv.resources.find((r) => r.uid === uid(ids.ipGroup))).toMatchObject({ kind: "prefix_list", attributes: { cidrs: ["203.0.113.0/24", "198.51.100.10/31"] } });
    // Classic collections on the firewall itself: deny at priority 100 comes before the allow at 200.
    expect(rows(ids.legacyFw)).toEqual([
      ["ingress", "allow", 1, "tcp", 443, 443, { kind: "any" }],
      ["egress", "allow", 1, "tcp", 8443, 8443, { kind: "cidr", value: "10.10.1.4/32" }],
      ["ingress", "deny", 2, "tcp", 3389, 3389, { kind: "any" }],
      ["ingress", "deny", 2, "udp", 3389, 3389, { kind: "any" }],
      ["egress", "deny", 2, "tcp", 3389, 3389, { kind: "any" }],
      ["egress", "deny", 2, "udp", 3389, 3389, { kind: "any" }],
      ["ingress", "allow", 3, "tcp", 22, 22, { kind: "cidr", value: "10.20.1.0/24" }],
      ["egress", "allow", 3, "tcp", 22, 22, { kind: "cidr", value: "10.10.1.0/24" }],
      ["ingress", "allow", 4, "tcp", 443, 443, { kind: "cidr", value: "10.10.1.0/24" }],
      ["egress", "allow", 4, "tcp", 443, 443, { kind: "service_tag", value: "FQDN:api.stripe.com" }],
    ]);
  });

  it("marks a firewall whose policy cannot be read as partial, without claiming it has no rules", async () => {
    const { inv } = await discoverLocal({ deny: (sub, action) => sub === SUB_B && action === "Microsoft.Network/firewallPolicies/ruleCollectionGroups/read" });
    const c = cov(inv, SUB_A, "Microsoft.Network/azureFirewalls");
    expect(c).toMatchObject({ status: "partial", count: 1 });
    expect(c?.reason).toMatch(/AuthorizationFailed \(HTTP 403\)/);
    expect(inv.resources.find((r) => r.uid === uid(ids.fw))?.attributes).toMatchObject({ rulesRead: false, ruleCollections: 0 });
    expect(inv.rules.filter((r) => r.ownerUid === uid(ids.fw))).toEqual([]);
    // The classic firewall in the other subscription needs no policy.
    expect(cov(inv, SUB_B, "Microsoft.Network/azureFirewalls")?.status).toBe("ok");
  });

  it("sends every client to the configured ARM endpoint and authority host (sovereign clouds), a central subscription's policy client included", async () => {
    server = await startArmServer({ resources: azureModel() });
    const saved = { ...process.env };
    Object.assign(process.env, { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: "collector-app", AZURE_CLIENT_SECRET: "secret" });
    try {
      // No credential handed in: the collector builds its own from the environment and the authority host.
      const inv = await discoverAzure({ subscriptions: [SUB_A], armEndpoint: server.url, authorityHost: server.url, tlsOptions: { ca: server.ca }, maxRetries: 0 });
      expect(server.tokensIssued).toBeGreaterThanOrEqual(1);
      expect(server.requests.some((r) => r.method === "POST" && r.path === `/${TENANT}/oauth2/v2.0/token` && r.status === 200)).toBe(true);
      // The base policy lives in SUB_B, which is not configured: read through a client for SUB_B at the same endpoint.
      expect(server.requests.some((r) => r.path.toLowerCase() === ids.basePolicy.toLowerCase() && r.status === 200)).toBe(true);
      expect(inv.coverage.every((c) => c.status === "ok")).toBe(true);
    } finally {
      for (const k of ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"]) if (saved[k] === undefined) delete process.env[k];
      Object.assign(process.env, saved);
    }
  });

  it("reads SQL servers, databases (not master) and firewall ranges as CIDRs", async () => {
    const { inv } = await discoverLocal();
    const sql = uid(ids.sql);
    expect(inv.resources.filter((r) => r.kind === "database").map((r) => [r.name, r.parent ?? null, r.network.securityGroups])).toEqual([
      ["cde-sql", null, [sql]],
      ["payments", sql, [sql]],
    ]);
    expect(inv.rules.filter((r) => r.ownerUid === sql).map((r) => [r.fromPort, r.peer])).toEqual([
      [1433, { kind: "cidr", value: "203.0.113.0/24" }],
      [1433, { kind: "cidr", value: "198.51.100.5/32" }],
      [1433, { kind: "cidr", value: "198.51.100.6/31" }],
      [1433, { kind: "cidr", value: "198.51.100.8/31" }],
      [1433, { kind: "service_tag", value: "AzureCloud" }],
    ]);
  });

  it("reports a denied list as skipped with ARM's reason, never as an empty list", async () => {
    const { inv, log } = await discoverLocal({ deny: (sub, action) => sub === SUB_A && action === "Microsoft.Compute/virtualMachines/read" });
    const c = cov(inv, SUB_A, "Microsoft.Compute/virtualMachines");
    expect(c).toMatchObject({ status: "skipped", count: 0, kinds: ["instance"] });
    expect(c?.reason).toMatch(/^AuthorizationFailed \(HTTP 403\): .*Microsoft\.Compute\/virtualMachines\/read/);
    expect(cov(inv, SUB_B, "Microsoft.Compute/virtualMachines")?.status).toBe("ok");
    expect(inv.resources.some((r) => r.uid === uid(ids.jumpVm))).toBe(true);
    expect(log.lines.some((l) => l.msg === "discovery call denied")).toBe(true);
  });

  it("marks a SQL server whose firewall rules are denied as partial, without claiming it has none", async () => {
    const { inv } = await discoverLocal({ deny: (_s, action) => action === "Microsoft.Sql/servers/firewallRules/read" });
    expect(cov(inv, SUB_A, "Microsoft.Sql/servers")).toMatchObject({ status: "partial" });
    expect(inv.resources.find((r) => r.uid === uid(ids.sql))?.attributes).toMatchObject({ firewallRulesRead: false });
  });

  it("retries throttling (429 + Retry-After) and reports it when it persists", async () => {
    const { inv, server } = await discoverLocal({ throttle: (action, n) => action === "Microsoft.Network/virtualNetworks/read" && n <= 2 }, 3);
    expect(server.requests.filter((r) => r.status === 429).length).toBe(4);
    expect(inv.coverage.every((c) => c.status === "ok")).toBe(true);
    expect(inv.resources.some((r) => r.uid === uid(ids.vnet))).toBe(true);
    await server.close();

    const again = await discoverLocal({ throttle: (action) => action === "Microsoft.Network/loadBalancers/read" }, 1);
    expect(cov(again.inv, SUB_A, "Microsoft.Network/loadBalancers")).toMatchObject({ status: "skipped" });
    expect(cov(again.inv, SUB_A, "Microsoft.Network/loadBalancers")?.reason).toMatch(/HTTP 429/);
  });
});
