import type { AzureFirewall, LoadBalancer, SecurityRule } from "@azure/arm-network";
import { describe, expect, it } from "vitest";
import { Resource, Route, Rule } from "../../contract/index.js";
import { loadBalancers } from "../../collector/src/providers/azure/balancers.js";
import { linkAzure } from "../../collector/src/providers/azure/link.js";
import { networkInterfaces, publicIpAddresses, virtualNetworks } from "../../collector/src/providers/azure/network.js";
import { azureFirewalls, networkSecurityGroups } from "../../collector/src/providers/azure/security.js";
import { classify } from "../../worker/scope/classify.js";
import { buildNetworkModel, internetExposures } from "../../worker/scope/reachability/index.js";
import { input } from "./builders.js";

// Internet entry points that forward given ports (Azure load balancer rules and inbound NAT
// rules, Azure Firewall DNAT), with every resource as the collector's transforms send it.
const ctx = { subscription: "sub" };
const RG = "/subscriptions/sub/resourceGroups/shop/providers/Microsoft.Network";
const VNET = `${RG}/virtualNetworks/shop`;
const sub = (name: string) => `${VNET}/subnets/${name}`;
const id = (type: string, name: string) => `${RG}/${type}/${name}`;
const uid = (type: string, name: string) => id(type, name).toLowerCase();
const LB = uid("loadBalancers", "web-lb");
const FW = uid("azureFirewalls", "edge-fw");
const WEB = uid("networkInterfaces", "web-nic");
const ADMIN = uid("networkInterfaces", "admin-nic");
const DB = uid("networkInterfaces", "db-nic");

const inbound = (name: string, priority: number, source: string, port: string): SecurityRule => ({ name, priority, protocol: "Tcp", access: "Allow", direction: "Inbound", sourceAddressPrefix: source, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: port });

function inventory(o: { webAllows?: string; dnatSource?: string; fwPublicIp?: boolean } = {}) {
  const nsg = (name: string, rules: SecurityRule[], nic: string) => ({ id: id("networkSecurityGroups", name), name, location: "westeurope", securityRules: rules, networkInterfaces: [{ id: id("networkInterfaces", nic) }] });
  const nic = (name: string, subnet: string, ip: string, group: string) => ({ id: id("networkInterfaces", name), name, location: "westeurope", networkSecurityGroup: { id: id("networkSecurityGroups", group) }, ipConfigurations: [{ name: "ip", id: `${id("networkInterfaces", name)}/ipConfigurations/ip`, privateIPAddress: ip, subnet: { id: sub(subnet) } }] });
  const lb: LoadBalancer = {
    id: id("loadBalancers", "web-lb"), name: "web-lb", location: "westeurope",
    frontendIPConfigurations: [{ name: "fe", publicIPAddress: { id: id("publicIPAddresses", "lb-ip") } }],
    backendAddressPools: [{ name: "pool", backendIPConfigurations: [{ id: `${id("networkInterfaces", "web-nic")}/ipConfigurations/ip` }] }],
    loadBalancingRules: [{ name: "https", protocol: "Tcp", frontendPort: 443, backendPort: 8443 }],
    inboundNatRules: [{ name: "ssh-admin", protocol: "Tcp", frontendPort: 50022, backendPort: 22, backendIPConfiguration: { id: `${id("networkInterfaces", "admin-nic")}/ipConfigurations/ip` } }],
  };
  const fw: AzureFirewall = {
    id: id("azureFirewalls", "edge-fw"), name: "edge-fw", location: "westeurope",
    ipConfigurations: [{ name: "cfg", privateIPAddress: "10.0.254.4", subnet: { id: sub("AzureFirewallSubnet") }, ...(o.fwPublicIp === false ? {} : { publicIPAddress: { id: id("publicIPAddresses", "fw-ip") } }) }],
    natRuleCollections: [{ name: "inbound", priority: 100, action: { type: "Dnat" }, rules: [{ name: "api", protocols: ["TCP"], sourceAddresses: [o.dnatSource ?? "*"], destinationAddresses: ["20.1.1.1"], destinationPorts: ["443"], translatedAddress: "10.0.2.30", translatedPort: "8443" }] }],
  };
  const parts = [
    virtualNetworks.transform([{ id: VNET, name: "shop", location: "westeurope", addressSpace: { addressPrefixes: ["10.0.0.0/16"] }, subnets: [
      { id: sub("web"), name: "web", addressPrefix: "10.0.1.0/24" },
      { id: sub("api"), name: "api", addressPrefix: "10.0.2.0/24" },
      { id: sub("AzureFirewallSubnet"), name: "AzureFirewallSubnet", addressPrefix: "10.0.254.0/26" },
    ] }], ctx),
    publicIpAddresses.transform([
      { id: id("publicIPAddresses", "lb-ip"), name: "lb-ip", location: "westeurope", ipAddress: "20.0.0.10" },
      { id: id("publicIPAddresses", "fw-ip"), name: "fw-ip", location: "westeurope", ipAddress: "20.1.1.1" },
    ], ctx),
    networkSecurityGroups.transform([
      nsg("web-nsg", [inbound("https", 100, "Internet", o.webAllows ?? "8443")], "web-nic"),
      nsg("admin-nsg", [inbound("ssh", 100, "Internet", "22")], "admin-nic"),
      nsg("api-nsg", [inbound("from-vnet", 100, "VirtualNetwork", "8443")], "db-nic"),
    ], ctx),
    networkInterfaces.transform([nic("web-nic", "web", "10.0.1.10", "web-nsg"), nic("admin-nic", "web", "10.0.1.20", "admin-nsg"), nic("db-nic", "api", "10.0.2.30", "api-nsg")], ctx),
    loadBalancers.transform([lb], ctx),
    azureFirewalls.transform([{ firewall: fw }], ctx),
  ];
  const resources = parts.flatMap((p) => p.resources);
  const routes = parts.flatMap((p) => p.routes);
  linkAzure(resources, routes);
  return { resources: resources.map((r) => Resource.parse(r)), rules: parts.flatMap((p) => p.rules).map((r) => Rule.parse(r)), routes: routes.map((r) => Route.parse(r)) };
}

const build = (o: Parameters<typeof inventory>[0] = {}) => buildNetworkModel(inventory(o));

describe("ports forwarded by an Azure load balancer", () => {
  it("a load-balancing rule exposes its target on the backend port only, the hop naming the rule", () => {
    const [x, ...more] = internetExposures(build(), WEB);
    expect(more).toEqual([]);
    expect(x).toMatchObject({ uid: WEB, entryPoint: LB, via: [LB], protocol: "tcp", ports: "8443" });
    expect(x!.hops).toContainEqual(expect.objectContaining({ step: "load_balancer", control: LB, detail: expect.stringContaining("Tcp/443->8443") }));
    // The LB passes the client's address through: the NSG rule admitting the Internet is the evidence.
    expect(x!.hops.at(-1)).toMatchObject({ step: "destination_ingress", action: "allow", ruleId: expect.stringContaining("web-nsg") });
  });

  it("an inbound NAT rule is an entry point to its VM on the NAT rule's backend port", () => {
    expect(internetExposures(build(), ADMIN)).toEqual([expect.objectContaining({ entryPoint: LB, protocol: "tcp", ports: "22" })]);
  });

  it("a target whose NSG admits the internet only on ports the load balancer does not forward is not exposed through it", () => {
    expect(internetExposures(build({ webAllows: "3389" }), WEB)).toEqual([]);
  });
});

describe("Azure Firewall DNAT", () => {
  it("makes the firewall an internet entry point of the translated target, on the translated port, naming the DNAT rule", () => {
    const found = internetExposures(build(), DB);
    expect(found).toEqual([expect.objectContaining({ uid: DB, entryPoint: FW, via: [FW], protocol: "tcp", ports: "8443" })]);
    expect(found[0]!.hops).toContainEqual(expect.objectContaining({ step: "load_balancer", control: FW, ruleId: `${FW}#egress#dnat:inbound/api#tcp:8443-8443#cidr:10.0.2.30/32` }));
  });

  it("still does when the firewall's public address is not in the inventory (DNAT applies only on its public frontend)", () => {
    const found = internetExposures(build({ fwPublicIp: false }), DB);
    expect(found).toEqual([expect.objectContaining({ entryPoint: FW, ports: "8443" })]);
    expect(found[0]!.hops[0]).toMatchObject({ step: "internet_gateway", control: FW, detail: expect.stringContaining("DNAT rules admitting the internet") });
    expect(internetExposures(build({ fwPublicIp: false, dnatSource: "203.0.113.0/24" }), DB)).toEqual([]);
  });

  it("puts the firewall in the CDE path when it forwards to a CDE component", () => {
    const inv = inventory();
    const resources = inv.resources.map((r) => (r.uid === DB ? { ...r, tags: { "pci:scope": "cde" } } : r));
    const d = classify(input({ resources, rules: inv.rules, routes: inv.routes })).get(FW)!;
    expect(d.reasons[0]).toMatchObject({ rule: "cde.in_path", evidence: [expect.objectContaining({ type: "resource", uid: DB, relation: expect.stringContaining("DNAT") })] });
  });

  it("is not an exposure when the DNAT rule admits only a restricted source range", () => {
    expect(internetExposures(build({ dnatSource: "203.0.113.0/24" }), DB)).toEqual([]);
  });
});
