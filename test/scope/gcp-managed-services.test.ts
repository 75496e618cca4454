import { describe, expect, it } from "vitest";
import { Resource, Route, Rule } from "../../contract/index.js";
import { cloudSqlInstances, type CloudSqlInstance } from "../../collector/src/providers/gcp/cloudsql.js";
import { instances } from "../../collector/src/providers/gcp/compute.js";
import { firewalls } from "../../collector/src/providers/gcp/firewalls.js";
import { gkeClusters } from "../../collector/src/providers/gcp/gke.js";
import { linkGcp } from "../../collector/src/providers/gcp/link.js";
import { networks, routes, subnetworks } from "../../collector/src/providers/gcp/network.js";
import { buildNetworkModel, canReach, internetExposures } from "../../worker/scope/reachability/index.js";

// GCP networks and Cloud SQL instances exactly as the collector's transforms send them.
const ctx = { project: "shop" };
const C = "https://www.googleapis.com/compute/v1/projects/shop";
const VPC = `${C}/global/networks/cde-vpc`;
const SUBNET = `${C}/regions/europe-west1/subnetworks/app`;
const VM = `${C}/zones/europe-west1-b/instances/app-1`;
const SQL = "https://sqladmin.googleapis.com/v1/projects/shop/instances";

function sql(name: string, ipAddresses: CloudSqlInstance["ipAddresses"], ipConfiguration: NonNullable<CloudSqlInstance["settings"]>["ipConfiguration"]) {
  return cloudSqlInstances.transform([{ name, selfLink: `${SQL}/${name}`, project: "shop", region: "europe-west1", databaseVersion: "POSTGRES_15", ipAddresses, settings: { ipConfiguration } }], ctx);
}

function model(extra: { resources: Resource[]; rules: Rule[] }, firewall: Parameters<typeof firewalls.transform>[0] = []) {
  const parts = [
    networks.transform([{ name: "cde-vpc", selfLink: VPC }], ctx),
    subnetworks.transform([{ name: "app", selfLink: SUBNET, network: VPC, region: "europe-west1", ipCidrRange: "10.10.0.0/24" }], ctx),
    routes.transform([
      { name: "default-internet", network: VPC, destRange: "0.0.0.0/0", nextHopGateway: `${C}/global/gateways/default-internet-gateway` },
      { name: "subnet-app", network: VPC, destRange: "10.10.0.0/24", nextHopNetwork: VPC },
    ], ctx),
    instances.transform([{ name: "app-1", selfLink: VM, zone: `${C}/zones/europe-west1-b`, networkInterfaces: [{ network: VPC, subnetwork: SUBNET, networkIP: "10.10.0.5" }] }], ctx),
    firewalls.transform(firewall, ctx),
    extra,
  ];
  const resources = parts.flatMap((p) => p.resources).map((r) => Resource.parse(r));
  const rs = parts.flatMap((p) => p.rules).map((r) => Rule.parse(r));
  const routeList = parts.flatMap((p) => ("routes" in p ? (p.routes as Route[]) : [])).map((r) => Route.parse(r));
  linkGcp(resources, routeList);
  return buildNetworkModel({ resources, rules: rs, routes: routeList });
}

describe("a Cloud SQL instance with a private IP (in the VPC, in no subnet)", () => {
  const privateOnly = sql("cards", [{ type: "PRIVATE", ipAddress: "10.90.0.4" }], { ipv4Enabled: false, privateNetwork: "projects/shop/global/networks/cde-vpc" });

  it("is reached from the VPC by the system route to the private services range, not the default internet route", () => {
    const m = model(privateOnly);
    const answer = canReach(m, VM, `${SQL}/cards`, 5432)!;
    expect(answer.reachable).toBe(true);
    expect(answer.hops).toContainEqual(expect.objectContaining({ step: "route", control: VPC, action: "route", detail: expect.stringContaining("system route to its private range") }));
    // Its own rules still decide: the private-IP rule admits only the engine's port.
    expect(canReach(m, VM, `${SQL}/cards`, 22)!.reachable).toBe(false);
  });

  it("is still blocked by a GCP egress firewall rule on the VPC side", () => {
    const m = model(privateOnly, [{
      name: "deny-sql", selfLink: `${C}/global/firewalls/deny-sql`, network: VPC, direction: "EGRESS", priority: 900,
      denied: [{ IPProtocol: "tcp", ports: ["5432"] }], destinationRanges: ["10.90.0.0/16"],
    }]);
    const answer = canReach(m, VM, `${SQL}/cards`, 5432)!;
    expect(answer.reachable).toBe(false);
    expect(answer.blockedBy).toMatchObject({ step: "source_egress", action: "deny", ruleId: expect.stringContaining("deny-sql") });
  });
});

describe("a Cloud SQL instance with only a public IP (in no network)", () => {
  it("is an internet exposure when its authorized networks admit 0.0.0.0/0, with the authorized-network rule as evidence", () => {
    const open = sql("legacy", [{ type: "PRIMARY", ipAddress: "34.76.2.2" }], { ipv4Enabled: true, authorizedNetworks: [{ name: "all", value: "0.0.0.0/0" }] });
    const m = model(open);
    const found = internetExposures(m, `${SQL}/legacy`);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ uid: `${SQL}/legacy`, entryPoint: `${SQL}/legacy`, protocol: "tcp", ports: "5432" });
    expect(found[0]!.hops).toEqual([
      expect.objectContaining({ step: "internet_gateway", control: `${SQL}/legacy`, action: "route" }),
      expect.objectContaining({ step: "destination_ingress", action: "allow", ruleId: `${SQL}/legacy#ingress#authorized#0.0.0.0/0` }),
    ]);
  });

  it("is not when its authorized networks are an office range, or there are none", () => {
    const office = sql("office", [{ type: "PRIMARY", ipAddress: "34.76.2.3" }], { ipv4Enabled: true, authorizedNetworks: [{ name: "office", value: "203.0.113.0/24" }] });
    expect(internetExposures(model(office), `${SQL}/office`)).toEqual([]);
    const none = sql("none", [{ type: "PRIMARY", ipAddress: "34.76.2.4" }], { ipv4Enabled: true, authorizedNetworks: [] });
    expect(internetExposures(model(none), `${SQL}/none`)).toEqual([]);
  });
});

describe("a GKE control plane (private endpoint in the master range, not in the node subnet)", () => {
  const GKE = "https://container.googleapis.com/v1/projects/shop/locations/europe-west1/clusters/cards";
  const cluster = gkeClusters.transform([{
    name: "cards", selfLink: GKE, location: "europe-west1", networkConfig: { network: "projects/shop/global/networks/cde-vpc", subnetwork: "projects/shop/regions/europe-west1/subnetworks/app" },
    privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: true, masterIpv4CidrBlock: "172.16.0.0/28", privateEndpoint: "172.16.0.2" },
    masterAuthorizedNetworksConfig: { enabled: true, cidrBlocks: [{ cidrBlock: "10.10.0.0/24" }] },
  }], ctx);
  // A hardened VM: egress denied everywhere except to the control plane's range.
  const hardened = [
    { name: "deny-all-egress", selfLink: `${C}/global/firewalls/deny-all-egress`, network: VPC, direction: "EGRESS", priority: 65000, denied: [{ IPProtocol: "all" }], destinationRanges: ["0.0.0.0/0"] },
    { name: "allow-master", selfLink: `${C}/global/firewalls/allow-master`, network: VPC, direction: "EGRESS", priority: 100, allowed: [{ IPProtocol: "tcp", ports: ["443"] }], destinationRanges: ["172.16.0.0/28"] },
  ];

  it("is matched by its own address: an egress rule allowing the master range lets the VM reach it", () => {
    const m = model(cluster, hardened);
    const a = canReach(m, VM, GKE, 443)!;
    expect(a.reachable).toBe(true);
    expect(a.hops).toContainEqual(expect.objectContaining({ step: "source_egress", action: "allow", ruleId: expect.stringContaining("allow-master") }));
    expect(canReach(m, VM, GKE, 10250)!.reachable).toBe(false);
  });
});
