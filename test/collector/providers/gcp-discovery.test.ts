import { PassThroughClient } from "google-auth-library";
import { afterEach, describe, expect, it } from "vitest";
import { Coverage, Resource, Route, Rule } from "../../../contract/index.js";
import { type GcpServer, type GcpServerOptions, startGcpServer } from "../../../collector/sample-cloud/gcp-server.js";
import { memoryLogger } from "../../../collector/src/log.js";
import { discoverGcp } from "../../../collector/src/providers/gcp/index.js";
import { gcpModel, gids, HOST, link, SERVICE } from "../fixtures/gcp-model.js";

// The real @google-cloud/compute clients (REST transport) against a local Compute JSON server.
let server: GcpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function discoverLocal(opts: Partial<GcpServerOptions> = {}, maxAttempts = 3) {
  server = await startGcpServer({ resources: gcpModel(5), pageSize: 2, ...opts });
  const log = memoryLogger();
  const inv = await discoverGcp({
    projects: [HOST, SERVICE],
    apiEndpoint: server.url,
    sqlAdminEndpoint: server.url,
    containerEndpoint: server.url,
    authClient: new PassThroughClient(),
    maxAttempts,
    baseDelayMs: 5,
    log,
  });
  return { inv, log, server };
}
const cov = (inv: { coverage: Coverage[] }, project: string, service: string) => inv.coverage.find((c) => c.account === project && c.service === service);

describe("GCP discovery against a local Compute API server", () => {
  it("reads both projects through pageToken pages and aggregated lists into valid, linked contract objects", async () => {
    const { inv, server, log } = await discoverLocal();
    for (const r of inv.resources) Resource.parse(r);
    for (const r of inv.rules) Rule.parse(r);
    for (const r of inv.routes) Route.parse(r);
    for (const c of inv.coverage) Coverage.parse(c);
    expect(inv.coverage).toHaveLength(18);
    expect(log.lines.filter((l) => l.msg === "progress" && l.task === "gcp-discovery").at(-1)).toMatchObject({ level: "info", lists: "18/18" });
    expect(inv.coverage.every((c) => c.status === "ok")).toBe(true);
    expect(server.requests.filter((r) => r.path.endsWith("/global/routes")).length).toBeGreaterThanOrEqual(4);
    expect(inv.routes.filter((r) => r.tableUid === `${gids.svcVpc}#routes`)).toHaveLength(5);

    const app = inv.resources.find((r) => r.uid === gids.app);
    expect(app).toMatchObject({
      provider: "gcp",
      account: HOST,
      region: "europe-west1",
      kind: "instance",
      tags: { pci: "cde" },
      network: { networks: [gids.vpc], subnets: [gids.appSubnet], privateIps: ["10.128.0.2"], publicIps: ["34.77.1.2"] },
      attributes: { machineType: "e2-medium", networkTags: ["web"], zone: "europe-west1-b" },
    });
    // Firewalls that target it (tag "web", and the one for every instance) plus its own tag / account groups.
    expect([...app!.network.securityGroups].sort()).toEqual(
      [`${gids.vpc}#tag:web`, `${gids.vpc}#serviceAccount:app@psg-host.iam.gserviceaccount.com`, link(HOST, "global/firewalls/allow-https-lb"), link(HOST, "global/firewalls/allow-icmp-all"), link(HOST, "global/firewalls/old-ssh")].sort(),
    );
    const db = inv.resources.find((r) => r.uid === gids.db)!;
    expect(db.network.securityGroups).toContain(link(HOST, "global/firewalls/deny-db-from-web"));
    expect(db.network.securityGroups).toContain(link(HOST, "global/firewalls/deny-egress-internet"));
    expect(db.network.securityGroups).not.toContain(link(HOST, "global/firewalls/allow-https-lb"));
    // Shared VPC: the service project's instance sits in the host network and carries its groups.
    expect(inv.resources.find((r) => r.uid === gids.worker)?.network.securityGroups).toContain(`${gids.vpc}#serviceAccount:worker@psg-service.iam.gserviceaccount.com`);

    expect(inv.resources.find((r) => r.uid === gids.dbSubnet)?.attributes).toMatchObject({ ipCidrRange: "10.130.0.0/20", cidrBlock: "10.130.0.0/20" });
    expect(inv.resources.find((r) => r.kind === "peering" && r.account === HOST)?.attributes).toMatchObject({ requesterVpc: gids.vpc, accepterVpc: gids.svcVpc, status: "ACTIVE" });
    expect(inv.resources.find((r) => r.uid === `${gids.vpc}#routes`)?.attributes.main).toBe(true);
    expect(inv.routes.filter((r) => r.tableUid === `${gids.vpc}#routes`).map((r) => [r.destination, r.target.kind, r.target.uid])).toEqual([
      ["0.0.0.0/0", "internet_gateway", undefined],
      ["10.128.0.0/20", "local", undefined],
      ["10.200.0.0/24", "peering", `${gids.vpc}#peering:to-svc`],
      ["192.168.0.0/16", "virtual_appliance", gids.nva],
    ]);
    const lbs = inv.resources.filter((r) => r.kind === "load_balancer");
    expect(lbs.map((r) => [r.name, r.region, r.attributes.scheme, r.network.publicIps, r.network.privateIps])).toEqual([
      ["web-fr", "europe-west1", "internet-facing", ["34.98.1.1"], []],
      ["db-ilb", "us-central1", "internal", [], ["10.130.0.100"]],
      ["global-https", "global", "internet-facing", ["34.120.0.1"], []],
    ]);
  });

  it("normalizes firewall rules: priority, deny, tags, service accounts, egress, disabled", async () => {
    const { inv } = await discoverLocal();
    const rows = (name: string) => inv.rules.filter((r) => r.ownerUid === link(HOST, `global/firewalls/${name}`)).map((r) => [r.direction, r.action, r.priority, r.protocol, r.fromPort, r.toPort, r.peer]);
    expect(rows("allow-https-lb")).toEqual([
      ["ingress", "allow", 1000, "tcp", 443, 443, { kind: "cidr", value: "130.211.0.0/22" }],
      ["ingress", "allow", 1000, "tcp", 443, 443, { kind: "cidr", value: "35.191.0.0/16" }],
      ["ingress", "allow", 1000, "tcp", 8080, 8090, { kind: "cidr", value: "130.211.0.0/22" }],
      ["ingress", "allow", 1000, "tcp", 8080, 8090, { kind: "cidr", value: "35.191.0.0/16" }],
    ]);
    expect(rows("deny-db-from-web")).toEqual([["ingress", "deny", 900, "tcp", 5432, 5432, { kind: "group", value: `${gids.vpc}#tag:web` }]]);
    expect(rows("allow-db-from-worker")[0]?.[6]).toEqual({ kind: "group", value: `${gids.vpc}#serviceAccount:worker@psg-service.iam.gserviceaccount.com` });
    expect(rows("allow-icmp-all").map((r) => [r[3], r[4], r[5]])).toEqual([
      ["icmp", 0, 255],
      ["50", 0, 65535],
    ]);
    expect(rows("deny-egress-internet")).toEqual([["egress", "deny", 2000, "all", 0, 65535, { kind: "cidr", value: "0.0.0.0/0" }]]);
    expect(rows("old-ssh")).toEqual([]);
    expect(inv.resources.find((r) => r.uid === link(HOST, "global/firewalls/old-ssh"))?.attributes.disabled).toBe(true);
  });

  it("reads Cloud SQL instances (pageToken pages) as databases: public IP with authorized networks, private IP in the VPC", async () => {
    const { inv, server } = await discoverLocal();
    expect(server.requests.filter((r) => r.path === `/v1/projects/${HOST}/instances`).length).toBe(2);
    expect(cov(inv, HOST, "cloudsql.instances.list")).toMatchObject({ status: "ok", count: 3, kinds: ["database"] });
    const pg = inv.resources.find((r) => r.uid === gids.cdePg);
    expect(pg).toMatchObject({
      kind: "database",
      account: HOST,
      region: "europe-west1",
      tags: { pci: "cde" },
      network: { networks: [gids.vpc], securityGroups: [gids.cdePg], privateIps: ["10.90.0.3"], publicIps: ["34.76.1.1"] },
      attributes: { engine: "postgres", port: 5432, publiclyAccessible: true, authorizedNetworks: ["203.0.113.0/24"], privateNetwork: gids.vpc, encrypted: true, highAvailability: true, sslMode: "TRUSTED_CLIENT_CERTIFICATE_REQUIRED" },
    });
    const rows = (uid: string) => inv.rules.filter((r) => r.ownerUid === uid).map((r) => [r.direction, r.action, r.protocol, r.fromPort, r.toPort, r.peer]);
    expect(rows(gids.cdePg)).toEqual([
      ["ingress", "allow", "tcp", 5432, 5432, { kind: "cidr", value: "203.0.113.0/24" }],
      ["ingress", "allow", "tcp", 5432, 5432, { kind: "service_tag", value: "VirtualNetwork" }],
    ]);
    // Private only: reached from the VPC, nothing from the internet.
    expect(rows(gids.replica)).toEqual([["ingress", "allow", "tcp", 5432, 5432, { kind: "service_tag", value: "VirtualNetwork" }]]);
    expect(inv.resources.find((r) => r.uid === gids.replica)?.attributes).toMatchObject({ role: "replica", publicIpEnabled: false, publiclyAccessible: false });
    // A public IP without authorized networks admits only the IAM-authorized connectors: no rule, not publicly accessible.
    expect(rows(gids.legacySql)).toEqual([]);
    expect(inv.resources.find((r) => r.uid === gids.legacySql)?.attributes).toMatchObject({ engine: "sqlserver", port: 1433, publicIpEnabled: true, publiclyAccessible: false });
    // Shared VPC: the service project's instance sits in the host's network.
    expect(inv.resources.find((r) => r.uid === gids.reporting)).toMatchObject({ account: SERVICE, network: { networks: [gids.vpc], privateIps: ["10.90.0.7"] }, attributes: { engine: "mysql", port: 3306 } });
  });

  it("reads GKE clusters of every location as k8s_cluster: network, endpoints, master authorized networks", async () => {
    const { inv } = await discoverLocal();
    const gke = inv.resources.find((r) => r.uid === gids.cdeGke);
    expect(gke).toMatchObject({
      kind: "k8s_cluster",
      account: HOST,
      region: "europe-west1",
      tags: { pci: "cde" },
      network: { networks: [gids.vpc], subnets: [gids.appSubnet], securityGroups: [gids.cdeGke], privateIps: ["172.16.0.2"], publicIps: ["34.78.1.1"] },
      attributes: { privateNodes: true, privateEndpointOnly: false, masterAuthorizedNetworks: true, authorizedNetworks: ["203.0.113.0/24"], podCidr: "10.4.0.0/14", workloadIdentity: true },
    });
    const rows = (uid: string) => inv.rules.filter((r) => r.ownerUid === uid).map((r) => [r.fromPort, r.peer]);
    expect(rows(gids.cdeGke)).toEqual([
      [443, { kind: "cidr", value: "203.0.113.0/24" }],
      [443, { kind: "service_tag", value: "VirtualNetwork" }],
    ]);
    // No master authorized networks: the public endpoint is open to anyone.
    const open = inv.resources.find((r) => r.uid === gids.openGke);
    expect(open).toMatchObject({ account: SERVICE, region: "europe-west1", network: { networks: [gids.svcVpc], subnets: [link(SERVICE, "regions/europe-west1/subnetworks/svc")], publicIps: ["35.187.9.9"] } });
    expect(rows(gids.openGke)).toEqual([[443, { kind: "cidr", value: "0.0.0.0/0" }]]);
  });

  it("reports GKE locations that did not answer as partial, keeping the clusters read", async () => {
    const { inv } = await discoverLocal({ missingZones: ["us-east1-b"] });
    const c = cov(inv, HOST, "container.clusters.list");
    expect(c).toMatchObject({ status: "partial", count: 1 });
    expect(c?.reason).toMatch(/MISSING_ZONES: locations not answered: us-east1-b/);
    expect(inv.resources.some((r) => r.uid === gids.cdeGke)).toBe(true);
  });

  it("reports a denied or throttled Cloud SQL / GKE list as skipped with its reason", async () => {
    const { inv } = await discoverLocal({
      deny: (project, permission) => project === HOST && permission === "cloudsql.instances.list",
      throttle: (permission) => permission === "container.clusters.list",
    }, 2);
    expect(cov(inv, HOST, "cloudsql.instances.list")).toMatchObject({ status: "skipped", count: 0 });
    expect(cov(inv, HOST, "cloudsql.instances.list")?.reason).toMatch(/^PERMISSION_DENIED \(HTTP 403\): Required 'cloudsql\.instances\.list' permission/);
    expect(cov(inv, SERVICE, "cloudsql.instances.list")?.status).toBe("ok");
    expect(cov(inv, SERVICE, "container.clusters.list")).toMatchObject({ status: "skipped" });
    expect(cov(inv, SERVICE, "container.clusters.list")?.reason).toMatch(/RESOURCE_EXHAUSTED \(HTTP 429\)/);
    // Retried (2 attempts) in each project before giving up.
    expect(server!.requests.filter((r) => r.permission === "container.clusters.list" && r.status === 429)).toHaveLength(4);
  });

  it("reports a denied list as skipped with the permission it needs, never as an empty list", async () => {
    const { inv, log } = await discoverLocal({ deny: (project, permission) => project === SERVICE && permission === "compute.instances.list" });
    const c = cov(inv, SERVICE, "compute.instances.list");
    expect(c).toMatchObject({ status: "skipped", count: 0 });
    expect(c?.reason).toMatch(/^PERMISSION_DENIED \(HTTP 403\): Required 'compute\.instances\.list' permission for 'projects\/psg-service'/);
    expect(cov(inv, HOST, "compute.instances.list")?.status).toBe("ok");
    expect(log.lines.some((l) => l.msg === "discovery call denied")).toBe(true);
  });

  it("retries throttled lists with backoff, and reports throttling that persists", async () => {
    const { inv, server } = await discoverLocal({ throttle: (permission, n) => permission === "compute.firewalls.list" && n <= 2 });
    expect(server.requests.filter((r) => r.status === 429).length).toBe(4);
    expect(inv.coverage.every((c) => c.status === "ok")).toBe(true);
    await server.close();
    const again = await discoverLocal({ throttle: (permission) => permission === "compute.routes.list" }, 2);
    expect(cov(again.inv, HOST, "compute.routes.list")).toMatchObject({ status: "skipped" });
    expect(cov(again.inv, HOST, "compute.routes.list")?.reason).toMatch(/RESOURCE_EXHAUSTED \(HTTP 429\)/);
  });
});
