import type { AttachmentStatus, IpPermission, Tag } from "@aws-sdk/client-ec2";
import { emptyRegion, type Ec2Account, type Ec2Region } from "./model.js";

/**
 * Northwind Outfitters, an online retailer that takes cards on its own checkout.
 *
 * The story the sample tells (and that `npm start` should show):
 * - payments-prod VPC: the checkout API and the card vault are the CDE (tagged). A
 *   settlement batch host has no PCI tag but shares an allow-all "legacy" security group
 *   with the checkout API: unrestricted connectivity puts it in the CDE.
 * - shared-services VPC: DNS resolver, NTP, directory, log shipper and bastion serve the
 *   CDE, so they are security-impacting — seen from the flows, not from their names.
 * - corp VPC: finance reporting reads the card vault (connected); the legacy CRM is tagged
 *   out of scope but really talks to the checkout API (the tag wins, the evidence stays);
 *   the HR portal and wiki never touch the CDE (out of scope); "cardgame-leaderboard" is a
 *   keyword trap; "payment-sandbox" is a keyword-only hint at low confidence.
 * - eu-west-1 analytics VPC: a clickstream ETL host tried to reach the vault and was
 *   rejected — evidence that the control works; it stays out of scope.
 */
export const NORTHWIND_ACCOUNT = "111122223333";

interface HostSpec {
  id: string;
  eni: string;
  name: string;
  ip: string;
  subnet: string;
  vpc: string;
  groups: string[];
  tags?: Record<string, string>;
  publicIp?: string;
  type?: string;
}

const tags = (record: Record<string, string>): Tag[] => Object.entries(record).map(([Key, Value]) => ({ Key, Value }));

function tcp(port: number, from: { cidr?: string; group?: string }, description?: string): IpPermission {
  return permission("tcp", port, port, from, description);
}

function permission(
  protocol: string,
  fromPort: number | undefined,
  toPort: number | undefined,
  from: { cidr?: string; group?: string },
  description?: string,
): IpPermission {
  return {
    IpProtocol: protocol,
    FromPort: fromPort,
    ToPort: toPort,
    IpRanges: from.cidr ? [{ CidrIp: from.cidr, Description: description }] : [],
    Ipv6Ranges: [],
    PrefixListIds: [],
    UserIdGroupPairs: from.group ? [{ GroupId: from.group, UserId: NORTHWIND_ACCOUNT, Description: description }] : [],
  };
}

const allOut: IpPermission = permission("-1", undefined, undefined, { cidr: "0.0.0.0/0" });

function addVpc(region: Ec2Region, id: string, cidr: string, name: string, zone: string, subnets: Array<[string, string, string]>): void {
  region.vpcs.push({
    VpcId: id,
    CidrBlock: cidr,
    State: "available",
    OwnerId: NORTHWIND_ACCOUNT,
    IsDefault: false,
    InstanceTenancy: "default",
    DhcpOptionsId: "dopt-0a1b2c3d",
    Tags: tags({ Name: name }),
  });
  for (const [subnetId, subnetCidr, subnetName] of subnets) {
    region.subnets.push({
      SubnetId: subnetId,
      VpcId: id,
      CidrBlock: subnetCidr,
      AvailabilityZone: zone,
      State: "available",
      AvailableIpAddressCount: 250,
      MapPublicIpOnLaunch: false,
      OwnerId: NORTHWIND_ACCOUNT,
      SubnetArn: `arn:aws:ec2:${zone.slice(0, -1)}:${NORTHWIND_ACCOUNT}:subnet/${subnetId}`,
      Tags: tags({ Name: subnetName }),
    });
  }
}

function addGroup(region: Ec2Region, id: string, name: string, vpc: string, description: string, ingress: IpPermission[]): void {
  region.securityGroups.push({
    GroupId: id,
    GroupName: name,
    Description: description,
    VpcId: vpc,
    OwnerId: NORTHWIND_ACCOUNT,
    IpPermissions: ingress,
    IpPermissionsEgress: [allOut],
    Tags: tags({ Name: name }),
  });
}

function addHost(region: Ec2Region, zone: string, host: HostSpec): void {
  const groups = host.groups.map((GroupId) => ({
    GroupId,
    GroupName: region.securityGroups.find((g) => g.GroupId === GroupId)?.GroupName ?? GroupId,
  }));
  const association = host.publicIp ? { PublicIp: host.publicIp, IpOwnerId: "amazon", PublicDnsName: "" } : undefined;
  const nic = {
    NetworkInterfaceId: host.eni,
    SubnetId: host.subnet,
    VpcId: host.vpc,
    AvailabilityZone: zone,
    Description: `Primary network interface of ${host.name}`,
    OwnerId: NORTHWIND_ACCOUNT,
    PrivateIpAddress: host.ip,
    PrivateIpAddresses: [{ PrivateIpAddress: host.ip, Primary: true, Association: association }],
    Association: association,
    Groups: groups,
    Status: "in-use" as const,
    InterfaceType: "interface" as const,
    MacAddress: "0e:00:00:00:00:01",
    SourceDestCheck: true,
    RequesterManaged: false,
    Attachment: {
      AttachmentId: `eni-attach-${host.id.slice(2)}`,
      InstanceId: host.id,
      InstanceOwnerId: NORTHWIND_ACCOUNT,
      DeviceIndex: 0,
      Status: "attached" as const,
      DeleteOnTermination: true,
    },
    TagSet: [],
  };
  region.networkInterfaces.push(nic);
  region.instances.push({
    InstanceId: host.id,
    ImageId: "ami-0abcdef1234567890",
    InstanceType: (host.type ?? "m6i.large") as "m6i.large",
    State: { Code: 16, Name: "running" },
    PrivateIpAddress: host.ip,
    PublicIpAddress: host.publicIp,
    SubnetId: host.subnet,
    VpcId: host.vpc,
    Placement: { AvailabilityZone: zone, Tenancy: "default" },
    SecurityGroups: groups,
    Architecture: "x86_64",
    LaunchTime: new Date("2026-03-02T09:00:00Z"),
    NetworkInterfaces: [
      {
        NetworkInterfaceId: host.eni,
        SubnetId: host.subnet,
        VpcId: host.vpc,
        PrivateIpAddress: host.ip,
        OwnerId: NORTHWIND_ACCOUNT,
        Status: "in-use",
        Groups: groups,
        Association: association ? { PublicIp: host.publicIp, IpOwnerId: "amazon" } : undefined,
        Attachment: { AttachmentId: `eni-attach-${host.id.slice(2)}`, DeviceIndex: 0, Status: "attached", DeleteOnTermination: true },
        PrivateIpAddresses: [{ PrivateIpAddress: host.ip, Primary: true }],
      },
    ],
    Tags: tags({ Name: host.name, ...host.tags }),
  });
}

function addRouteTable(region: Ec2Region, id: string, vpc: string, vpcCidr: string, subnets: string[], extra: Array<{ cidr: string; igw?: string; nat?: string; pcx?: string }>): void {
  region.routeTables.push({
    RouteTableId: id,
    VpcId: vpc,
    OwnerId: NORTHWIND_ACCOUNT,
    Routes: [
      { DestinationCidrBlock: vpcCidr, GatewayId: "local", Origin: "CreateRouteTable", State: "active" },
      ...extra.map((r) => ({
        DestinationCidrBlock: r.cidr,
        GatewayId: r.igw,
        NatGatewayId: r.nat,
        VpcPeeringConnectionId: r.pcx,
        Origin: "CreateRoute" as const,
        State: "active" as const,
      })),
    ],
    Associations: subnets.map((SubnetId, i) => ({
      RouteTableAssociationId: `rtbassoc-${id.slice(4)}${i}`,
      RouteTableId: id,
      SubnetId,
      Main: false,
      AssociationState: { State: "associated" as const },
    })),
    PropagatingVgws: [],
    Tags: [],
  });
}

/** A NACL with the same entries inbound and outbound, plus AWS's implicit final deny. */
function addNetworkAcl(region: Ec2Region, id: string, vpc: string, name: string, subnets: string[], entries: Array<{ rule: number; cidr: string; action: "allow" | "deny" }>): void {
  const both = [false, true].flatMap((Egress) => [
    ...entries.map((e) => ({ RuleNumber: e.rule, Protocol: "-1", RuleAction: e.action, Egress, CidrBlock: e.cidr })),
    { RuleNumber: 32767, Protocol: "-1", RuleAction: "deny" as const, Egress, CidrBlock: "0.0.0.0/0" },
  ]);
  region.networkAcls.push({
    NetworkAclId: id,
    VpcId: vpc,
    IsDefault: false,
    OwnerId: NORTHWIND_ACCOUNT,
    Entries: both,
    Associations: subnets.map((SubnetId, i) => ({ NetworkAclAssociationId: `aclassoc-${id.slice(4)}${i}`, NetworkAclId: id, SubnetId })),
    Tags: tags({ Name: name }),
  });
}

export function northwindUsEast1(): Ec2Region {
  const r = emptyRegion();
  const zone = "us-east-1a";

  // payments-prod: the CDE.
  addVpc(r, "vpc-0pay0000000000001", "10.10.0.0/16", "payments-prod", zone, [
    ["subnet-0payweb00000000001", "10.10.1.0/24", "payments-public"],
    ["subnet-0payapp00000000001", "10.10.2.0/24", "payments-app"],
    ["subnet-0paydb000000000001", "10.10.3.0/24", "payments-data"],
  ]);
  addGroup(r, "sg-0payapp0000000001", "payments-app", "vpc-0pay0000000000001", "checkout API: HTTPS from the internet", [
    tcp(443, { cidr: "0.0.0.0/0" }, "public checkout"),
    tcp(22, { group: "sg-0bastion000000001" }, "admin via bastion"),
  ]);
  addGroup(r, "sg-0legacyflat000001", "payments-legacy-flat", "vpc-0pay0000000000001", "legacy: everything from members (do not use)", [
    permission("-1", undefined, undefined, { group: "sg-0legacyflat000001" }, "members talk freely"),
  ]);
  addGroup(r, "sg-0vault00000000001", "card-vault", "vpc-0pay0000000000001", "PostgreSQL from the app tier and reporting", [
    tcp(5432, { group: "sg-0payapp0000000001" }, "checkout API"),
    tcp(5432, { cidr: "10.30.2.0/24" }, "finance reporting (corp)"),
  ]);

  addHost(r, zone, { id: "i-0checkout00000001", eni: "eni-0checkout0000001", name: "checkout-api-1", ip: "10.10.2.11", subnet: "subnet-0payapp00000000001", vpc: "vpc-0pay0000000000001", groups: ["sg-0payapp0000000001", "sg-0legacyflat000001"], tags: { "pci:scope": "cde", "pci:entry-point": "true", team: "payments" }, publicIp: "203.0.113.10" });
  addHost(r, zone, { id: "i-0checkout00000002", eni: "eni-0checkout0000002", name: "checkout-api-2", ip: "10.10.2.12", subnet: "subnet-0payapp00000000001", vpc: "vpc-0pay0000000000001", groups: ["sg-0payapp0000000001"], tags: { "pci:scope": "cde", "pci:entry-point": "true", team: "payments" }, publicIp: "203.0.113.11" });
  addHost(r, zone, { id: "i-0settle0000000001", eni: "eni-0settle00000001", name: "settlement-batch", ip: "10.10.2.40", subnet: "subnet-0payapp00000000001", vpc: "vpc-0pay0000000000001", groups: ["sg-0legacyflat000001"], tags: { team: "finance-eng" } });
  addHost(r, zone, { id: "i-0vault00000000001", eni: "eni-0vault000000001", name: "card-vault-db", ip: "10.10.3.20", subnet: "subnet-0paydb000000000001", vpc: "vpc-0pay0000000000001", groups: ["sg-0vault00000000001"], tags: { "data-classification": "cardholder", engine: "postgres" }, type: "r6i.xlarge" });

  // shared-services: the infrastructure the CDE depends on.
  addVpc(r, "vpc-0shared000000001", "10.20.0.0/16", "shared-services", zone, [["subnet-0shared0000000001", "10.20.1.0/24", "shared-services"]]);
  addGroup(r, "sg-0shared000000001", "shared-services", "vpc-0shared000000001", "DNS, NTP, LDAP, log intake from the VPCs", [
    permission("udp", 53, 53, { cidr: "10.0.0.0/8" }, "DNS"),
    tcp(53, { cidr: "10.0.0.0/8" }, "DNS"),
    permission("udp", 123, 123, { cidr: "10.0.0.0/8" }, "NTP"),
    tcp(389, { cidr: "10.0.0.0/8" }, "LDAP"),
    tcp(88, { cidr: "10.0.0.0/8" }, "Kerberos"),
    tcp(5044, { cidr: "10.0.0.0/8" }, "Beats log intake"),
  ]);
  addGroup(r, "sg-0bastion000000001", "bastion", "vpc-0shared000000001", "SSH from the office", [tcp(22, { cidr: "198.51.100.0/24" }, "office")]);
  addHost(r, zone, { id: "i-0dns000000000001", eni: "eni-0dns0000000001", name: "resolver-1", ip: "10.20.1.10", subnet: "subnet-0shared0000000001", vpc: "vpc-0shared000000001", groups: ["sg-0shared000000001"], tags: { role: "dns" }, type: "t3.small" });
  addHost(r, zone, { id: "i-0ntp000000000001", eni: "eni-0ntp0000000001", name: "time-1", ip: "10.20.1.11", subnet: "subnet-0shared0000000001", vpc: "vpc-0shared000000001", groups: ["sg-0shared000000001"], type: "t3.small" });
  addHost(r, zone, { id: "i-0dc0000000000001", eni: "eni-0dc00000000001", name: "corp-dc-1", ip: "10.20.1.20", subnet: "subnet-0shared0000000001", vpc: "vpc-0shared000000001", groups: ["sg-0shared000000001"], tags: { role: "directory" } });
  addHost(r, zone, { id: "i-0logship00000001", eni: "eni-0logship0000001", name: "log-shipper", ip: "10.20.1.30", subnet: "subnet-0shared0000000001", vpc: "vpc-0shared000000001", groups: ["sg-0shared000000001"] });
  addHost(r, zone, { id: "i-0bastion00000001", eni: "eni-0bastion0000001", name: "bastion", ip: "10.20.1.40", subnet: "subnet-0shared0000000001", vpc: "vpc-0shared000000001", groups: ["sg-0bastion000000001"], tags: { role: "bastion" }, publicIp: "203.0.113.40", type: "t3.micro" });

  // corp: mostly out of scope, with one connected system and two misleading signals.
  addVpc(r, "vpc-0corp0000000001", "10.30.0.0/16", "corp-apps", zone, [
    ["subnet-0corp00000000001", "10.30.1.0/24", "corp-apps"],
    ["subnet-0corpfin000000001", "10.30.2.0/24", "corp-finance"],
    ["subnet-0corplegacy00001", "10.30.3.0/24", "corp-legacy"],
  ]);
  addGroup(r, "sg-0corpweb000000001", "corp-web", "vpc-0corp0000000001", "intranet HTTPS from the corp VPC", [tcp(443, { cidr: "10.30.0.0/16" }, "intranet")]);
  addHost(r, zone, { id: "i-0hrportal0000001", eni: "eni-0hrportal000001", name: "hr-portal", ip: "10.30.1.10", subnet: "subnet-0corp00000000001", vpc: "vpc-0corp0000000001", groups: ["sg-0corpweb000000001"] });
  addHost(r, zone, { id: "i-0wiki00000000001", eni: "eni-0wiki0000000001", name: "wiki", ip: "10.30.1.11", subnet: "subnet-0corp00000000001", vpc: "vpc-0corp0000000001", groups: ["sg-0corpweb000000001"] });
  addHost(r, zone, { id: "i-0cardgame0000001", eni: "eni-0cardgame000001", name: "cardgame-leaderboard", ip: "10.30.1.12", subnet: "subnet-0corp00000000001", vpc: "vpc-0corp0000000001", groups: ["sg-0corpweb000000001"], tags: { team: "social-club" } });
  addHost(r, zone, { id: "i-0sandbox00000001", eni: "eni-0sandbox0000001", name: "payment-sandbox", ip: "10.30.1.13", subnet: "subnet-0corp00000000001", vpc: "vpc-0corp0000000001", groups: ["sg-0corpweb000000001"], tags: { env: "dev" } });
  addHost(r, zone, { id: "i-0crm000000000001", eni: "eni-0crm0000000001", name: "legacy-crm", ip: "10.30.3.20", subnet: "subnet-0corplegacy00001", vpc: "vpc-0corp0000000001", groups: ["sg-0corpweb000000001"], tags: { "pci:scope": "out_of_scope", owner: "sales-ops" } });
  addHost(r, zone, { id: "i-0finrep00000001", eni: "eni-0finrep0000001", name: "finance-reporting", ip: "10.30.2.10", subnet: "subnet-0corpfin000000001", vpc: "vpc-0corp0000000001", groups: ["sg-0corpweb000000001"] });

  // Routing: everything meets through peerings to shared services and payments.
  r.internetGateways.push({ InternetGatewayId: "igw-0pay00000000001", OwnerId: NORTHWIND_ACCOUNT, // AWS reports an attached internet gateway as "available", outside the SDK's AttachmentStatus type.
    Attachments: [{ VpcId: "vpc-0pay0000000000001", State: "available" as AttachmentStatus }], Tags: [] });
  for (const [id, requester, accepter] of [
    ["pcx-0payshared000001", "vpc-0pay0000000000001", "vpc-0shared000000001"],
    ["pcx-0corppay00000001", "vpc-0corp0000000001", "vpc-0pay0000000000001"],
    ["pcx-0corpshared00001", "vpc-0corp0000000001", "vpc-0shared000000001"],
  ] as const) {
    r.vpcPeeringConnections.push({
      VpcPeeringConnectionId: id,
      RequesterVpcInfo: { VpcId: requester, OwnerId: NORTHWIND_ACCOUNT, Region: "us-east-1" },
      AccepterVpcInfo: { VpcId: accepter, OwnerId: NORTHWIND_ACCOUNT, Region: "us-east-1" },
      Status: { Code: "active", Message: "Active" },
      Tags: [],
    });
  }
  // The segmentation control between corp-apps and payments: a NACL on every payments
  // subnet that drops corp-apps in both directions (it is stateless).
  addNetworkAcl(r, "acl-0payments000001", "vpc-0pay0000000000001", "payments-segmentation", ["subnet-0payweb00000000001", "subnet-0payapp00000000001", "subnet-0paydb000000000001"], [
    { rule: 90, cidr: "10.30.1.0/24", action: "deny" },
    { rule: 100, cidr: "0.0.0.0/0", action: "allow" },
  ]);
  addRouteTable(r, "rtb-0paypublic000001", "vpc-0pay0000000000001", "10.10.0.0/16", ["subnet-0payweb00000000001", "subnet-0payapp00000000001"], [
    { cidr: "0.0.0.0/0", igw: "igw-0pay00000000001" },
    { cidr: "10.20.0.0/16", pcx: "pcx-0payshared000001" },
    { cidr: "10.30.0.0/16", pcx: "pcx-0corppay00000001" },
  ]);
  addRouteTable(r, "rtb-0paydata00000001", "vpc-0pay0000000000001", "10.10.0.0/16", ["subnet-0paydb000000000001"], [
    { cidr: "10.20.0.0/16", pcx: "pcx-0payshared000001" },
    { cidr: "10.30.2.0/24", pcx: "pcx-0corppay00000001" },
  ]);
  addRouteTable(r, "rtb-0shared00000001", "vpc-0shared000000001", "10.20.0.0/16", ["subnet-0shared0000000001"], [
    { cidr: "10.10.0.0/16", pcx: "pcx-0payshared000001" },
    { cidr: "10.30.0.0/16", pcx: "pcx-0corpshared00001" },
  ]);
  addRouteTable(r, "rtb-0corp0000000001", "vpc-0corp0000000001", "10.30.0.0/16", ["subnet-0corp00000000001", "subnet-0corpfin000000001", "subnet-0corplegacy00001"], [
    { cidr: "10.10.0.0/16", pcx: "pcx-0corppay00000001" },
    { cidr: "10.20.0.0/16", pcx: "pcx-0corpshared00001" },
  ]);
  return r;
}

export function northwindEuWest1(): Ec2Region {
  const r = emptyRegion();
  const zone = "eu-west-1a";
  addVpc(r, "vpc-0analytics00001", "10.40.0.0/16", "analytics", zone, [["subnet-0analytics0000001", "10.40.1.0/24", "analytics"]]);
  addGroup(r, "sg-0analytics000001", "analytics", "vpc-0analytics00001", "internal only", [tcp(443, { cidr: "10.40.0.0/16" }, "in-VPC")]);
  addHost(r, zone, { id: "i-0etl00000000001", eni: "eni-0etl0000000001", name: "clickstream-etl", ip: "10.40.1.15", subnet: "subnet-0analytics0000001", vpc: "vpc-0analytics00001", groups: ["sg-0analytics000001"], tags: { team: "data" } });
  addRouteTable(r, "rtb-0analytics00001", "vpc-0analytics00001", "10.40.0.0/16", ["subnet-0analytics0000001"], []);
  return r;
}

export function northwindAccount(): Ec2Account {
  return { accountId: NORTHWIND_ACCOUNT, regions: { "us-east-1": northwindUsEast1(), "eu-west-1": northwindEuWest1() } };
}
