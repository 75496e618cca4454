import type { Instance, NetworkInterface, SecurityGroup, Subnet } from "@aws-sdk/client-ec2";
import { ClientSecretCredential } from "@azure/identity";
import { PassThroughClient } from "google-auth-library";
import { type ArmResource, startArmServer } from "../collector/sample-cloud/arm-server.js";
import { startEc2Server } from "../collector/sample-cloud/ec2-server.js";
import { type GcpResourceJson, startGcpServer } from "../collector/sample-cloud/gcp-server.js";
import { emptyRegion } from "../collector/sample-cloud/model.js";
import { discoverAws } from "../collector/src/providers/aws/index.js";
import { discoverAzure } from "../collector/src/providers/azure/index.js";
import { discoverGcp } from "../collector/src/providers/gcp/index.js";

/**
 * Discovery of a 10,000-resource estate per cloud with a fixed latency injected into every
 * API answer (the local wire-format servers, the real SDKs), so that the figure measures how
 * well the collector overlaps calls rather than how fast loopback is.
 */
export interface DiscoveryBenchResult {
  cloud: "aws" | "azure" | "gcp";
  resources: number;
  requests: number;
  seconds: number;
  peakRssMB: number;
}

const ACCOUNT = "111122223333";

function awsModel(n: number) {
  const region = emptyRegion();
  const q = Math.floor(n / 4);
  region.vpcs.push({ VpcId: "vpc-bench", CidrBlock: "10.0.0.0/8", OwnerId: ACCOUNT, IsDefault: false });
  for (let i = 0; i < q; i++) {
    const subnet: Subnet = { SubnetId: `subnet-${i}`, VpcId: "vpc-bench", CidrBlock: `10.${i >> 8}.${i & 255}.0/24`, OwnerId: ACCOUNT, AvailabilityZone: "us-east-1a" };
    const sg: SecurityGroup = {
      GroupId: `sg-${i}`,
      GroupName: `sg-${i}`,
      VpcId: "vpc-bench",
      OwnerId: ACCOUNT,
      IpPermissions: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
      IpPermissionsEgress: [],
    };
    const ip = `10.${i >> 8}.${i & 255}.10`;
    const nic: NetworkInterface = { NetworkInterfaceId: `eni-${i}`, SubnetId: subnet.SubnetId!, VpcId: "vpc-bench", OwnerId: ACCOUNT, PrivateIpAddress: ip, Groups: [{ GroupId: sg.GroupId! }], Attachment: { InstanceId: `i-${i}` } };
    const inst: Instance = { InstanceId: `i-${i}`, SubnetId: subnet.SubnetId!, VpcId: "vpc-bench", PrivateIpAddress: ip, SecurityGroups: [{ GroupId: sg.GroupId! }], State: { Name: "running" }, InstanceType: "t3.micro" };
    region.subnets.push(subnet);
    region.securityGroups.push(sg);
    region.networkInterfaces.push(nic);
    region.instances.push(inst);
  }
  return { accountId: ACCOUNT, regions: { "us-east-1": region } };
}

function azureModel(n: number, subscription: string): ArmResource[] {
  const rg = `/subscriptions/${subscription}/resourceGroups/bench`;
  const out: ArmResource[] = [];
  const q = Math.floor(n / 4);
  for (let i = 0; i < q; i++) {
    const nic = `${rg}/providers/Microsoft.Network/networkInterfaces/nic-${i}`;
    const vm = `${rg}/providers/Microsoft.Compute/virtualMachines/vm-${i}`;
    const nsg = `${rg}/providers/Microsoft.Network/networkSecurityGroups/nsg-${i}`;
    out.push(
      { id: nic, name: `nic-${i}`, location: "westeurope", properties: { ipConfigurations: [{ id: `${nic}/ipConfigurations/c`, name: "c", properties: { privateIPAddress: `10.${i >> 8}.${i & 255}.4`, subnet: { id: `${rg}/providers/Microsoft.Network/virtualNetworks/v/subnets/s${i % 100}` } } }], networkSecurityGroup: { id: nsg }, virtualMachine: { id: vm } } },
      { id: vm, name: `vm-${i}`, location: "westeurope", properties: { hardwareProfile: { vmSize: "Standard_B1s" }, networkProfile: { networkInterfaces: [{ id: nic }] } } },
      { id: nsg, name: `nsg-${i}`, location: "westeurope", properties: { securityRules: [{ name: "https", properties: { protocol: "Tcp", sourcePortRange: "*", destinationPortRange: "443", sourceAddressPrefix: "Internet", destinationAddressPrefix: "*", access: "Allow", priority: 100, direction: "Inbound" } }] } },
      { id: `${rg}/providers/Microsoft.Network/publicIPAddresses/pip-${i}`, name: `pip-${i}`, location: "westeurope", properties: { ipAddress: `20.${i >> 8}.${i & 255}.1`, ipConfiguration: { id: `${nic}/ipConfigurations/c` } } },
    );
  }
  return out;
}

function gcpModel(n: number, project: string): GcpResourceJson[] {
  const g = `https://www.googleapis.com/compute/v1/projects/${project}`;
  const out: GcpResourceJson[] = [{ selfLink: `${g}/global/networks/vpc`, name: "vpc" }];
  const q = Math.floor(n / 4);
  for (let i = 0; i < q; i++) {
    const subnet = `${g}/regions/europe-west1/subnetworks/s-${i}`;
    out.push(
      { selfLink: subnet, name: `s-${i}`, network: `${g}/global/networks/vpc`, ipCidrRange: `10.${i >> 8}.${i & 255}.0/24`, region: `${g}/regions/europe-west1` },
      { selfLink: `${g}/zones/europe-west1-b/instances/vm-${i}`, name: `vm-${i}`, zone: `${g}/zones/europe-west1-b`, tags: { items: [`t${i % 50}`] }, networkInterfaces: [{ network: `${g}/global/networks/vpc`, subnetwork: subnet, networkIP: `10.${i >> 8}.${i & 255}.2` }] },
      { selfLink: `${g}/global/firewalls/fw-${i}`, name: `fw-${i}`, network: `${g}/global/networks/vpc`, priority: 1000, direction: "INGRESS", sourceRanges: ["0.0.0.0/0"], targetTags: [`t${i % 50}`], allowed: [{ IPProtocol: "tcp", ports: ["443"] }] },
      { selfLink: `${g}/regions/europe-west1/forwardingRules/fr-${i}`, name: `fr-${i}`, region: `${g}/regions/europe-west1`, IPAddress: `10.${i >> 8}.${i & 255}.100`, loadBalancingScheme: "INTERNAL", network: `${g}/global/networks/vpc`, subnetwork: subnet },
      { selfLink: `${g}/global/routes/r-${i}`, name: `r-${i}`, network: `${g}/global/networks/vpc`, destRange: `172.${16 + (i >> 8)}.${i & 255}.0/24`, nextHopIp: "10.0.0.2" },
    );
  }
  return out;
}

async function measure<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; peakRssMB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const t0 = performance.now();
  try {
    const value = await fn();
    return { value, seconds: (performance.now() - t0) / 1000, peakRssMB: Math.max(peak, process.memoryUsage().rss) / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

export async function benchDiscovery(opts: { resources?: number; latencyMs?: number } = {}): Promise<DiscoveryBenchResult[]> {
  const n = opts.resources ?? 10_000;
  const latencyMs = opts.latencyMs ?? 50;
  const results: DiscoveryBenchResult[] = [];

  const ec2 = await startEc2Server({ accounts: [awsModel(n)], pageSize: 1000, latencyMs });
  try {
    const r = await measure(() => discoverAws({ regions: ["us-east-1"], accountId: ACCOUNT, clientConfig: { endpoint: ec2.url, credentials: { accessKeyId: ACCOUNT, secretAccessKey: "x" } } }));
    results.push({ cloud: "aws", resources: r.value.resources.length, requests: ec2.requests.length, seconds: r.seconds, peakRssMB: r.peakRssMB });
  } finally {
    await ec2.close();
  }

  const sub = "11111111-1111-1111-1111-111111111111";
  // ARM resource providers page at a size of their choosing: 100 a page is on the small side.
  const arm = await startArmServer({ resources: azureModel(n, sub), pageSize: 100, latencyMs });
  try {
    const tlsOptions = { ca: arm.ca };
    const credential = new ClientSecretCredential("tenant", "c", "s", { authorityHost: arm.url, disableInstanceDiscovery: true, tlsOptions });
    const r = await measure(() => discoverAzure({ subscriptions: [sub], armEndpoint: arm.url, credential, tlsOptions }));
    results.push({ cloud: "azure", resources: r.value.resources.length, requests: arm.requests.length, seconds: r.seconds, peakRssMB: r.peakRssMB });
  } finally {
    await arm.close();
  }

  const gcp = await startGcpServer({ resources: gcpModel(n, "psg-bench"), pageSize: 500, latencyMs });
  try {
    const r = await measure(() => discoverGcp({ projects: ["psg-bench"], apiEndpoint: gcp.url, sqlAdminEndpoint: gcp.url, containerEndpoint: gcp.url, authClient: new PassThroughClient() }));
    results.push({ cloud: "gcp", resources: r.value.resources.length, requests: gcp.requests.length, seconds: r.seconds, peakRssMB: r.peakRssMB });
  } finally {
    await gcp.close();
  }
  return results;
}
