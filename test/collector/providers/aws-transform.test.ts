import type { NetworkAcl, NetworkInterface, RouteTable, SecurityGroup } from "@aws-sdk/client-ec2";
import { describe, expect, it } from "vitest";
import { Resource, Route, Rule } from "../../../contract/index.js";
import { AWS_FAMILIES, linkDiscovered } from "../../../collector/src/providers/aws/index.js";
import { loadBalancersV2 } from "../../../collector/src/providers/aws/services/load-balancers.js";
import { ecsServices } from "../../../collector/src/providers/aws/services/ecs.js";
import { tgwRoute } from "../../../collector/src/providers/aws/transit-gateways.js";
import { vpcEndpoints } from "../../../collector/src/providers/aws/vpc-endpoints.js";
import { instances } from "../../../collector/src/providers/aws/instances.js";
import { networkAcls } from "../../../collector/src/providers/aws/network-acls.js";
import { networkInterfaces } from "../../../collector/src/providers/aws/network-interfaces.js";
import { routeTables } from "../../../collector/src/providers/aws/route-tables.js";
import { normalizeProtocol, protocolAndPorts, securityGroups } from "../../../collector/src/providers/aws/security-groups.js";

// Objects in the shape DescribeX returns through the SDK (as recorded from real accounts,
// ids changed), transformed purely.
const ctx = { region: "eu-central-1", account: "123456789012" };
const A = (type: string, id: string, account = ctx.account) => `arn:aws:ec2:eu-central-1:${account}:${type}/${id}`;

describe("security group transform", () => {
  const recorded: SecurityGroup = {
    Description: "launch-wizard-1 created 2024-05-01",
    GroupName: "launch-wizard-1",
    IpPermissions: [
      {
        FromPort: 22,
        IpProtocol: "tcp",
        IpRanges: [{ CidrIp: "203.0.113.0/24" }, { CidrIp: "198.51.100.7/32", Description: "office" }],
        Ipv6Ranges: [],
        PrefixListIds: [],
        ToPort: 22,
        UserIdGroupPairs: [],
      },
      {
        IpProtocol: "-1",
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [],
        UserIdGroupPairs: [{ GroupId: "sg-0peer", UserId: "999988887777", VpcPeeringConnectionId: "pcx-1" }],
      },
      { FromPort: 8, ToPort: -1, IpProtocol: "icmp", IpRanges: [{ CidrIp: "10.0.0.0/8" }] },
      { FromPort: 5000, ToPort: 5100, IpProtocol: "17", Ipv6Ranges: [{ CidrIpv6: "2001:db8::/32" }] },
      { IpProtocol: "50", IpRanges: [{ CidrIp: "192.0.2.0/24" }] },
    ],
    OwnerId: "123456789012",
    GroupId: "sg-0123456789abcdef0",
    IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
    VpcId: "vpc-0abc",
    SecurityGroupArn: "arn:aws:ec2:eu-central-1:123456789012:security-group/sg-0123456789abcdef0",
  };

  it("expands every permission into one rule per peer, with normalized protocol and ports", () => {
    const out = securityGroups.transform([recorded], ctx);
    const sg = A("security-group", "sg-0123456789abcdef0");
    expect(out.resources).toHaveLength(1);
    expect(Resource.parse(out.resources[0])).toMatchObject({ uid: sg, kind: "security_group", name: "launch-wizard-1", parent: A("vpc", "vpc-0abc") });
    for (const r of out.rules) Rule.parse(r);
    expect(out.rules.map((r) => [r.direction, r.protocol, r.fromPort, r.toPort, r.peer, r.action, r.priority])).toEqual([
      ["ingress", "tcp", 22, 22, { kind: "cidr", value: "203.0.113.0/24" }, "allow", 0],
      ["ingress", "tcp", 22, 22, { kind: "cidr", value: "198.51.100.7/32" }, "allow", 0],
      ["ingress", "all", 0, 65535, { kind: "group", value: A("security-group", "sg-0peer", "999988887777") }, "allow", 0],
      ["ingress", "icmp", 8, 8, { kind: "cidr", value: "10.0.0.0/8" }, "allow", 0],
      ["ingress", "udp", 5000, 5100, { kind: "cidr", value: "2001:db8::/32" }, "allow", 0],
      ["ingress", "50", 0, 65535, { kind: "cidr", value: "192.0.2.0/24" }, "allow", 0],
      ["egress", "all", 0, 65535, { kind: "cidr", value: "0.0.0.0/0" }, "allow", 0],
    ]);
    expect(new Set(out.rules.map((r) => r.id)).size).toBe(out.rules.length);
    expect(out.rules.every((r) => r.ownerUid === sg)).toBe(true);
  });

  it("rule ids are stable across scans", () => {
    expect(securityGroups.transform([recorded], ctx).rules.map((r) => r.id)).toEqual(securityGroups.transform([recorded], ctx).rules.map((r) => r.id));
  });

  it("normalizes protocols and port ranges", () => {
    expect(normalizeProtocol("-1")).toBe("all");
    expect(normalizeProtocol("6")).toBe("tcp");
    expect(normalizeProtocol("58")).toBe("icmpv6");
    expect(protocolAndPorts({ IpProtocol: "icmp", FromPort: -1, ToPort: -1 })).toEqual({ protocol: "icmp", fromPort: 0, toPort: 255 });
    expect(protocolAndPorts({ IpProtocol: "tcp" })).toEqual({ protocol: "tcp", fromPort: 0, toPort: 65535 });
  });
});

describe("network interface and instance transforms", () => {
  const eni: NetworkInterface = {
    Attachment: { AttachTime: new Date("2024-05-01T00:00:00Z"), AttachmentId: "eni-attach-1", DeviceIndex: 0, InstanceId: "i-0a", InstanceOwnerId: "123456789012", Status: "attached" },
    AvailabilityZone: "eu-central-1a",
    Groups: [{ GroupId: "sg-01", GroupName: "web" }],
    InterfaceType: "interface",
    Ipv6Addresses: [{ Ipv6Address: "2001:db8::10" }],
    NetworkInterfaceId: "eni-0a",
    OwnerId: "123456789012",
    PrivateIpAddress: "10.0.0.5",
    PrivateIpAddresses: [
      { Primary: true, PrivateIpAddress: "10.0.0.5", Association: { PublicIp: "18.0.0.1", IpOwnerId: "amazon" } },
      { Primary: false, PrivateIpAddress: "10.0.0.6" },
    ],
    SourceDestCheck: true,
    Status: "in-use",
    SubnetId: "subnet-0a",
    VpcId: "vpc-0a",
    TagSet: [{ Key: "Name", Value: "web-eni" }],
  };

  it("a NIC lists all its addresses and belongs to its instance", () => {
    const [nic] = networkInterfaces.transform([eni], ctx).resources;
    expect(Resource.parse(nic)).toMatchObject({
      uid: A("network-interface", "eni-0a"),
      kind: "nic",
      name: "web-eni",
      parent: A("instance", "i-0a"),
      network: {
        networks: [A("vpc", "vpc-0a")],
        subnets: [A("subnet", "subnet-0a")],
        securityGroups: [A("security-group", "sg-01")],
        privateIps: ["10.0.0.5", "10.0.0.6", "2001:db8::10"],
        publicIps: ["18.0.0.1"],
      },
    });
  });

  it("an instance takes its facts from the reservation and its NICs", () => {
    const [res] = instances.transform(
      [{ ownerId: "123456789012", instance: { InstanceId: "i-0a", State: { Name: "stopped", Code: 80 }, InstanceType: "m5.large", Platform: "Windows", NetworkInterfaces: [eni as never] } }],
      ctx,
    ).resources;
    expect(Resource.parse(res)).toMatchObject({
      uid: A("instance", "i-0a"),
      attributes: { state: "stopped", instanceType: "m5.large", platform: "Windows", iamInstanceProfile: null },
      network: { privateIps: ["10.0.0.5", "10.0.0.6", "2001:db8::10"], publicIps: ["18.0.0.1"] },
    });
  });
});

describe("route table and network ACL transforms", () => {
  it("maps every target kind, keeps blackholes, lists associated subnets", () => {
    const table: RouteTable = {
      RouteTableId: "rtb-1",
      VpcId: "vpc-1",
      OwnerId: "123456789012",
      Associations: [{ Main: false, SubnetId: "subnet-1" }, { Main: false, SubnetId: "subnet-2" }],
      Routes: [
        { DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local", State: "active" },
        { DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: "eigw-1", State: "active" },
        { DestinationCidrBlock: "0.0.0.0/0", TransitGatewayId: "tgw-1", State: "active" },
        { DestinationCidrBlock: "172.16.0.0/12", NetworkInterfaceId: "eni-fw", InstanceId: "i-fw", State: "active" },
        { DestinationCidrBlock: "192.168.0.0/16", GatewayId: "vgw-1", State: "blackhole" },
      ],
    };
    const out = routeTables.transform([table], ctx);
    for (const r of out.routes) Route.parse(r);
    expect(out.resources[0]?.attributes.main).toBe(false);
    expect(out.resources[0]?.network.subnets).toEqual([A("subnet", "subnet-1"), A("subnet", "subnet-2")]);
    expect(out.routes.map((r) => [r.id, r.target, r.state])).toEqual([
      [`${A("route-table", "rtb-1")}#10.0.0.0/16`, { kind: "local" }, "active"],
      [`${A("route-table", "rtb-1")}#::/0`, { kind: "other", uid: A("egress-only-internet-gateway", "eigw-1") }, "active"],
      [`${A("route-table", "rtb-1")}#0.0.0.0/0`, { kind: "transit_gateway", uid: A("transit-gateway", "tgw-1") }, "active"],
      [`${A("route-table", "rtb-1")}#172.16.0.0/12`, { kind: "instance", uid: A("instance", "i-fw") }, "active"],
      [`${A("route-table", "rtb-1")}#192.168.0.0/16`, { kind: "vpn_gateway", uid: A("vpn-gateway", "vgw-1") }, "blackhole"],
    ]);
  });

  it("NACL entries become ordered allow/deny rules", () => {
    const acl: NetworkAcl = {
      NetworkAclId: "acl-1",
      VpcId: "vpc-1",
      OwnerId: "123456789012",
      Entries: [
        { RuleNumber: 100, Protocol: "6", RuleAction: "allow", Egress: false, CidrBlock: "10.0.0.0/8", PortRange: { From: 1024, To: 65535 } },
        { RuleNumber: 110, Protocol: "1", RuleAction: "deny", Egress: true, CidrBlock: "0.0.0.0/0", IcmpTypeCode: { Type: -1, Code: -1 } },
        { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny", Egress: false, Ipv6CidrBlock: "::/0" },
      ],
    };
    const rules = networkAcls.transform([acl], ctx).rules;
    for (const r of rules) Rule.parse(r);
    expect(rules.map((r) => [r.direction, r.protocol, r.fromPort, r.toPort, r.action, r.priority])).toEqual([
      ["ingress", "tcp", 1024, 65535, "allow", 100],
      ["egress", "icmp", 0, 255, "deny", 110],
      ["ingress", "all", 0, 65535, "deny", 32767],
    ]);
  });
});

describe("transit gateway routes and links between families", () => {
  const ctx = { region: "us-east-1", account: "111122223333" };
  it("a TGW route forwards to its (first) attachment, a prefix-list route keeps the list id, a blackhole has no target", () => {
    const table = "arn:aws:ec2:us-east-1:111122223333:transit-gateway-route-table/tgw-rtb-1";
    const attach = (id: string) => ({ TransitGatewayAttachmentId: id, ResourceType: "vpn" as const, ResourceId: "vpn-1" });
    expect(tgwRoute(table, { DestinationCidrBlock: "192.168.0.0/16", State: "active", Type: "propagated", TransitGatewayAttachments: [attach("tgw-attach-a"), attach("tgw-attach-b")] }, ctx)).toEqual({
      id: `${table}#192.168.0.0/16`, tableUid: table, destination: "192.168.0.0/16", state: "active",
      target: { kind: "transit_gateway", uid: "arn:aws:ec2:us-east-1:111122223333:transit-gateway-attachment/tgw-attach-a" },
    });
    expect(tgwRoute(table, { PrefixListId: "pl-0abc", State: "active", TransitGatewayAttachments: [attach("tgw-attach-a")] }, ctx)?.destination).toBe("pl-0abc");
    expect(tgwRoute(table, { DestinationCidrBlock: "10.9.0.0/16", State: "blackhole" }, ctx)).toMatchObject({ target: { kind: "blackhole" }, state: "blackhole" });
    expect(tgwRoute(table, { State: "active" }, ctx)).toBeUndefined();
  });

  it("ELBv2 IP targets resolve to awsvpc ECS services; endpoints and services take their interfaces' addresses", () => {
    const lb = loadBalancersV2.transform([{ lb: { LoadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/tok/1", Scheme: "internal" }, targetGroups: [{ group: { TargetGroupArn: "tg", Port: 8443, Protocol: "HTTPS" }, targets: ["10.10.1.31"] }], tags: {} }], ctx).resources;
    const svc = ecsServices.transform([{ service: { serviceArn: "arn:aws:ecs:us-east-1:111122223333:service/payments/tokenizer", serviceName: "tokenizer" }, tasks: [{ group: "service:tokenizer", attachments: [{ type: "ElasticNetworkInterface", details: [{ name: "networkInterfaceId", value: "eni-0t1" }, { name: "privateIPv4Address", value: "10.10.1.31" }] }] }] }], ctx).resources;
    const vpce = vpcEndpoints.transform([{ VpcEndpointId: "vpce-1", VpcEndpointType: "Interface", NetworkInterfaceIds: ["eni-0e1"], State: "Available" }], ctx).resources;
    const nics = networkInterfaces.transform([
      { NetworkInterfaceId: "eni-0t1", PrivateIpAddress: "10.10.1.31", Association: { PublicIp: "54.0.0.9" } },
      { NetworkInterfaceId: "eni-0e1", PrivateIpAddress: "10.10.1.50", PrivateIpAddresses: [{ PrivateIpAddress: "10.10.1.50" }] },
    ], ctx).resources;
    const all = [...lb, ...svc, ...vpce, ...nics];
    linkDiscovered(all);
    expect(all[0]!.attributes.targets).toEqual(["arn:aws:ecs:us-east-1:111122223333:service/payments/tokenizer"]);
    expect(all[1]!.network).toMatchObject({ privateIps: ["10.10.1.31"], publicIps: ["54.0.0.9"] });
    expect(all[2]!.network.privateIps).toEqual(["10.10.1.50"]);
  });
});

describe("registry", () => {
  it("lists each family once with a distinct EC2 action", () => {
    const actions = AWS_FAMILIES.map((f) => f.action);
    expect(new Set(actions).size).toBe(actions.length);
    expect(actions).toContain("DescribeInstances");
  });
});
