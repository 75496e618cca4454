import type { AzureFirewall, FirewallPolicyRuleCollectionGroup } from "@azure/arm-network";
import { describe, expect, it } from "vitest";
import { Rule } from "../../../contract/index.js";
import { addressPeers, classicCollections, firewallRules, policyCollections } from "../../../collector/src/providers/azure/firewall-rules.js";

const FW = "/subscriptions/s/resourcegroups/rg/providers/microsoft.network/azurefirewalls/fw";
const row = (r: Rule) => [r.direction, r.action, r.priority, r.protocol, r.fromPort, r.toPort, r.peer.kind === "any" ? "*" : r.peer.value];

describe("Azure Firewall rules → contract rules (pure)", () => {
  it("turns address ranges into CIDRs, keeps service tags, '*' is any", () => {
    expect(addressPeers(["10.0.0.1-10.0.0.6", "*", "10.1.0.0/16", "10.2.0.9", "AzureCloud.WestEurope"])).toEqual([
      { kind: "cidr", value: "10.0.0.1/32" },
      { kind: "cidr", value: "10.0.0.2/31" },
      { kind: "cidr", value: "10.0.0.4/31" },
      { kind: "cidr", value: "10.0.0.6/32" },
      { kind: "any" },
      { kind: "cidr", value: "10.1.0.0/16" },
      { kind: "cidr", value: "10.2.0.9/32" },
      { kind: "service_tag", value: "AzureCloud.WestEurope" },
    ]);
  });

  it("orders DNAT, network, application whatever their priority numbers; base policy before child; group, then collection priority", () => {
    const filter = (name: string, priority: number, action: "Allow" | "Deny", rules: unknown[]) => ({ ruleCollectionType: "FirewallPolicyFilterRuleCollection", name, priority, action: { type: action }, rules });
    const net = (name: string, dst: string, port: string) => ({ ruleType: "NetworkRule", name, ipProtocols: ["TCP"], sourceAddresses: ["*"], destinationAddresses: [dst], destinationPorts: [port] });
    const child: FirewallPolicyRuleCollectionGroup[] = [
      { name: "late", priority: 300, ruleCollections: [filter("c", 100, "Allow", [net("n3", "10.0.3.0/24", "443")]) as never] },
      {
        name: "early",
        priority: 200,
        ruleCollections: [
          filter("app", 100, "Allow", [{ ruleType: "ApplicationRule", name: "a", sourceAddresses: ["10.0.0.0/8"], protocols: [{ protocolType: "Http" }], fqdnTags: ["WindowsUpdate"] }]) as never,
          filter("b", 500, "Allow", [net("n2", "10.0.2.0/24", "80")]) as never,
          { ruleCollectionType: "FirewallPolicyNatRuleCollection", name: "nat", priority: 60000, action: { type: "DNAT" }, rules: [{ ruleType: "NatRule", name: "d", ipProtocols: ["UDP"], sourceAddresses: ["*"], destinationAddresses: ["20.0.0.1"], destinationPorts: ["53"], translatedAddress: "10.0.9.9", translatedPort: "5353" }] } as never,
        ],
      },
    ];
    const base: FirewallPolicyRuleCollectionGroup[] = [{ name: "org", priority: 65000, ruleCollections: [filter("deny", 65000, "Deny", [net("n1", "10.0.1.0/24", "22")]) as never] }];
    const out = firewallRules(FW, policyCollections([{ groups: base }, { groups: child }]));
    for (const r of out.rules) Rule.parse(r);
    expect(out.rules.map(row)).toEqual([
      ["ingress", "allow", 1, "udp", 53, 53, "*"],
      ["egress", "allow", 1, "udp", 5353, 5353, "10.0.9.9/32"],
      ["egress", "deny", 2, "tcp", 22, 22, "10.0.1.0/24"],
      ["ingress", "allow", 3, "tcp", 80, 80, "*"],
      ["egress", "allow", 3, "tcp", 80, 80, "10.0.2.0/24"],
      ["ingress", "allow", 4, "tcp", 443, 443, "*"],
      ["egress", "allow", 4, "tcp", 443, 443, "10.0.3.0/24"],
      ["ingress", "allow", 5, "tcp", 80, 80, "10.0.0.0/8"],
      ["egress", "allow", 5, "tcp", 80, 80, "FqdnTag:WindowsUpdate"],
    ]);
    expect(out.dnat).toEqual(["udp 53 -> 10.0.9.9:5353"]);
    expect(out.denyRulesNotSent).toEqual([]);
  });

  it("classic rules: Any is every protocol, ICMP has no ports, a deny narrow on both sides is listed and not sent", () => {
    const fw: AzureFirewall = {
      networkRuleCollections: [
        { name: "deny-pair", priority: 100, action: { type: "Deny" }, rules: [{ name: "x", protocols: ["Any"], sourceAddresses: ["10.1.0.0/16"], destinationAddresses: ["10.2.0.0/16"], destinationPorts: ["*"] }] },
        { name: "allow", priority: 200, action: { type: "Allow" }, rules: [{ name: "ping", protocols: ["ICMP", "Any"], sourceAddresses: ["10.1.0.0/16"], destinationAddresses: ["*"], destinationPorts: ["*"] }, { name: "icmp", protocols: ["ICMP"], sourceAddresses: ["10.3.0.0/16"], destinationAddresses: ["*"], destinationPorts: ["*"] }] },
      ],
    };
    const out = firewallRules(FW, classicCollections(fw));
    expect(out.denyRulesNotSent).toEqual(["deny-pair/x"]);
    expect(out.rules.map(row)).toEqual([
      ["ingress", "allow", 2, "all", 0, 65535, "10.1.0.0/16"],
      ["egress", "allow", 2, "all", 0, 65535, "*"],
      ["ingress", "allow", 2, "icmp", 0, 255, "10.3.0.0/16"],
      ["egress", "allow", 2, "icmp", 0, 255, "*"],
    ]);
  });
});
