import type { AzureFirewall } from "@azure/arm-network";
import { describe, expect, it } from "vitest";
import { Resource, Route, Rule } from "../../contract/index.js";
import { linkAzure } from "../../collector/src/providers/azure/link.js";
import { networkInterfaces, routeTables, virtualNetworks } from "../../collector/src/providers/azure/network.js";
import { azureFirewalls } from "../../collector/src/providers/azure/security.js";
import { classify } from "../../worker/scope/classify.js";
import { buildNetworkModel, canReach } from "../../worker/scope/reachability/index.js";
import { input } from "./builders.js";

// One VNet: an app subnet and a CDE subnet whose route tables send each other's range to the
// Azure Firewall in AzureFirewallSubnet, everything in the shapes the collector's transforms send.
const ctx = { subscription: "sub" };
const RG = "/subscriptions/sub/resourceGroups/hub/providers/Microsoft.Network";
const VNET = `${RG}/virtualNetworks/hub`;
const sub = (name: string) => `${VNET}/subnets/${name}`;
const FW = `${RG}/azureFirewalls/hub-fw`.toLowerCase();
const APP = `${RG}/networkInterfaces/app-nic`.toLowerCase();
const DB = `${RG}/networkInterfaces/db-nic`.toLowerCase();

const ALLOW_APP_TO_DB = { name: "app-db", priority: 200, action: { type: "Allow" as const }, rules: [{ name: "pg", protocols: ["TCP" as const], sourceAddresses: ["10.0.1.0/24"], destinationAddresses: ["10.0.2.0/24"], destinationPorts: ["5432"] }] };
const DENY_SSH = { name: "no-ssh", priority: 100, action: { type: "Deny" as const }, rules: [{ name: "ssh", protocols: ["Any" as const], sourceAddresses: ["*"], destinationAddresses: ["10.0.0.0/16"], destinationPorts: ["22"] }] };
const ALLOW_ALL_SSH = { name: "ssh", priority: 300, action: { type: "Allow" as const }, rules: [{ name: "ssh", protocols: ["TCP" as const], sourceAddresses: ["10.0.1.0/24"], destinationAddresses: ["10.0.2.0/24"], destinationPorts: ["22"] }] };

function inventory(o: { firewall?: Partial<AzureFirewall>; policyUnread?: boolean; link?: boolean } = {}) {
  const firewall: AzureFirewall = {
    id: `${RG}/azureFirewalls/hub-fw`, name: "hub-fw", location: "westeurope",
    ipConfigurations: [{ name: "cfg", privateIPAddress: "10.0.254.4", subnet: { id: sub("AzureFirewallSubnet") } }],
    networkRuleCollections: [ALLOW_APP_TO_DB, DENY_SSH, ALLOW_ALL_SSH],
    ...(o.policyUnread ? { firewallPolicy: { id: `${RG}/firewallPolicies/p` }, networkRuleCollections: [] } : {}),
    ...o.firewall,
  };
  const table = (name: string, dest: string) => ({ id: `${RG}/routeTables/${name}`, name, location: "westeurope", subnets: [{ id: sub(name) }], routes: [{ name: "via-fw", addressPrefix: dest, nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.254.4" }] });
  const nic = (name: string, subnet: string, ip: string) => ({ id: `${RG}/networkInterfaces/${name}`, name, location: "westeurope", ipConfigurations: [{ name: "ip", privateIPAddress: ip, subnet: { id: sub(subnet) } }] });
  const parts = [
    virtualNetworks.transform([{ id: VNET, name: "hub", location: "westeurope", addressSpace: { addressPrefixes: ["10.0.0.0/16"] }, subnets: [
      { id: sub("AzureFirewallSubnet"), name: "AzureFirewallSubnet", addressPrefix: "10.0.254.0/26" },
      { id: sub("app"), name: "app", addressPrefix: "10.0.1.0/24", routeTable: { id: `${RG}/routeTables/app` } },
      { id: sub("cde"), name: "cde", addressPrefix: "10.0.2.0/24", routeTable: { id: `${RG}/routeTables/cde` } },
    ] }], ctx),
    routeTables.transform([table("app", "10.0.2.0/24"), table("cde", "10.0.1.0/24")], ctx),
    networkInterfaces.transform([nic("app-nic", "app", "10.0.1.10"), nic("db-nic", "cde", "10.0.2.20")], ctx),
    // A firewall with a policy that could not be read is sent without rules and rulesRead: false.
    azureFirewalls.transform([{ firewall }], ctx),
  ];
  const resources = parts.flatMap((p) => p.resources);
  const routes = parts.flatMap((p) => p.routes);
  if (o.link !== false) linkAzure(resources, routes);
  return { resources: resources.map((r) => Resource.parse(r)), rules: parts.flatMap((p) => p.rules).map((r) => Rule.parse(r)), routes: routes.map((r) => Route.parse(r)) };
}

const build = (o: Parameters<typeof inventory>[0] = {}) => buildNetworkModel(inventory(o));

describe("a route through an Azure Firewall", () => {
  it("passes where a rule matches the source (ingress half) and the destination and port (egress half), naming that rule", () => {
    const m = build();
    const a = canReach(m, APP, DB, 5432)!;
    expect(a.reachable).toBe(true);
    const fwHop = a.hops.find((h) => h.step === "firewall")!;
    expect(fwHop).toMatchObject({ control: FW, action: "allow", ruleId: `${FW}#egress#network:app-db/pg#tcp:5432-5432#cidr:10.0.2.0/24` });
    // Path order: the route to the appliance, the firewall's decision, then routing on from it.
    const steps = a.hops.map((h) => `${h.step}:${h.action}`);
    expect(steps.indexOf("firewall:allow")).toBeGreaterThan(steps.findIndex((s) => s.startsWith("route:")));
    expect(a.hops.at(-2)).toMatchObject({ step: "route", control: VNET.toLowerCase(), detail: expect.stringContaining(`from firewall ${FW}`) });
  });

  it("is blocked by an earlier deny rule, and by the default deny where no rule matches, in either direction", () => {
    const m = build();
    // no-ssh (priority 100) comes before the ssh allow (300).
    expect(canReach(m, APP, DB, 22)!.blockedBy).toMatchObject({ step: "firewall", action: "deny", control: FW, ruleId: expect.stringContaining("network:no-ssh/ssh") });
    expect(canReach(m, APP, DB, 3306)!.blockedBy).toMatchObject({ step: "firewall", action: "implicit_deny", control: FW });
    const back = canReach(m, DB, APP)!;
    expect(back.reachable).toBe(false);
    // Nothing allows 10.0.2.0/24 → 10.0.1.0/24; on port 22 it is the deny that is named.
    expect(back.blockedBy).toMatchObject({ step: "firewall", control: FW });
  });

  it("is evaluated when the route still names the appliance by address (ip:…)", () => {
    const m = build({ link: false });
    expect(canReach(m, APP, DB, 5432)!.reachable).toBe(true);
    expect(canReach(m, APP, DB, 3306)!.blockedBy).toMatchObject({ step: "firewall", action: "implicit_deny" });
  });

  it("is in the CDE path of the CDE subnet routed through it, whether the route names it by uid or by address", () => {
    for (const link of [true, false]) {
      const inv = inventory({ link });
      const resources = inv.resources.map((r) => (r.uid === DB ? { ...r, tags: { "pci:scope": "cde" } } : r));
      const d = classify(input({ resources, rules: inv.rules, routes: inv.routes })).get(FW)!;
      expect(d.reasons[0], `link ${link}`).toMatchObject({ rule: "cde.in_path", evidence: expect.arrayContaining([expect.objectContaining({ type: "route", tableUid: `${RG}/routeTables/cde`.toLowerCase() })]) });
    }
  });

  it("stays 'not evaluated' when the firewall's rules could not be read (never blocked without evidence)", () => {
    const m = build({ policyUnread: true });
    const a = canReach(m, APP, DB, 3306)!;
    expect(a.reachable).toBe(true);
    expect(a.hops).toContainEqual(expect.objectContaining({ step: "firewall", control: FW, action: "unknown" }));
  });

  it("does not filter other traffic of AzureFirewallSubnet with the firewall's rules", () => {
    const m = build();
    expect(m.subnets.get(sub("AzureFirewallSubnet").toLowerCase())!.statefulControls).toEqual([]);
    // The firewall's own traffic to the CDE on 22 is not "denied by no-ssh" as if that rule were a subnet NSG.
    const own = canReach(m, FW, DB, 22)!;
    expect(own.hops.some((h) => h.step === "source_subnet_egress")).toBe(false);
  });
});
