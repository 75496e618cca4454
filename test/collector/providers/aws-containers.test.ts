import { afterEach, describe, expect, it } from "vitest";
import { Coverage, Resource } from "../../../contract/index.js";
import { memoryLogger } from "../../../collector/src/log.js";
import { discoverAws } from "../../../collector/src/providers/aws/index.js";
import { classicLoadBalancers } from "../../../collector/src/providers/aws/services/classic-load-balancers.js";
import { ecsServices } from "../../../collector/src/providers/aws/services/ecs.js";
import { eksClusters } from "../../../collector/src/providers/aws/services/eks.js";
import { type ServicesServer, type ServicesServerOptions, type ServicesWorld, startServicesServer } from "../fixtures/aws-services-server.js";

// ECS (awsvpc tasks with their interfaces — moto's RunTask fails on those), EKS and classic
// ELB through the real SDK clients against a local server answering recorded real-format
// responses: paging, AccessDenied and throttling.
const ACCOUNT = "444455556666";
const CLUSTER = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/payments`;
const arn = (type: string, id: string) => `arn:aws:ec2:us-east-1:${ACCOUNT}:${type}/${id}`;

function task(id: string, group: string, ip: string, eni: string) {
  return {
    taskArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task/payments/${id}`,
    clusterArn: CLUSTER,
    group,
    lastStatus: "RUNNING",
    desiredStatus: "RUNNING",
    launchType: "FARGATE",
    taskDefinitionArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/tokenizer:7`,
    attachments: [
      {
        id: `att-${id}`,
        type: "ElasticNetworkInterface",
        status: "ATTACHED",
        details: [
          { name: "subnetId", value: "subnet-0pay" },
          { name: "networkInterfaceId", value: eni },
          { name: "macAddress", value: "0a:1b:2c:3d:4e:5f" },
          { name: "privateDnsName", value: `ip-${ip.replace(/\./g, "-")}.ec2.internal` },
          { name: "privateIPv4Address", value: ip },
        ],
      },
    ],
  };
}

function world(): ServicesWorld {
  const filler = Array.from({ length: 11 }, (_, k) => ({
    serviceArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/payments/worker-${k}`,
    serviceName: `worker-${k}`,
    clusterArn: CLUSTER,
    status: "ACTIVE",
    desiredCount: 1,
    runningCount: 1,
    launchType: "EC2",
  }));
  return {
    ecs: {
      [CLUSTER]: {
        services: [
          {
            serviceArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:service/payments/tokenizer`,
            serviceName: "tokenizer",
            clusterArn: CLUSTER,
            status: "ACTIVE",
            desiredCount: 2,
            runningCount: 2,
            launchType: "FARGATE",
            taskDefinition: `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/tokenizer:7`,
            loadBalancers: [{ targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/tok/abc`, containerName: "tokenizer", containerPort: 8443 }],
            networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-0pay", "subnet-0pay2"], securityGroups: ["sg-0tok"], assignPublicIp: "DISABLED" } },
            tags: [{ key: "pci", value: "cde" }],
          },
          ...filler,
        ],
        tasks: [task("t1", "service:tokenizer", "10.10.1.31", "eni-0t1"), task("t2", "service:tokenizer", "10.10.1.32", "eni-0t2"), task("t3", "family:nightly-batch", "10.10.1.40", "eni-0t3")],
      },
    },
    eks: [
      {
        name: "cards",
        arn: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/cards`,
        version: "1.30",
        status: "ACTIVE",
        endpoint: "https://ABC.gr7.us-east-1.eks.amazonaws.com",
        roleArn: `arn:aws:iam::${ACCOUNT}:role/eks`,
        resourcesVpcConfig: { subnetIds: ["subnet-0pay"], securityGroupIds: ["sg-0eks"], clusterSecurityGroupId: "sg-0ekscluster", vpcId: "vpc-0pay", endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
        kubernetesNetworkConfig: { serviceIpv4Cidr: "172.20.0.0/16" },
        tags: { pci: "cde" },
      },
      {
        name: "internal",
        arn: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/internal`,
        version: "1.30",
        status: "ACTIVE",
        resourcesVpcConfig: { subnetIds: ["subnet-0corp"], securityGroupIds: [], vpcId: "vpc-0corp", endpointPublicAccess: false, endpointPrivateAccess: true, publicAccessCidrs: [] },
      },
    ],
    classicLoadBalancers: [
      { LoadBalancerName: "legacy-checkout", DNSName: "legacy-checkout-1.us-east-1.elb.amazonaws.com", Scheme: "internet-facing", VPCId: "vpc-0pay", Subnets: ["subnet-0pay"], SecurityGroups: ["sg-0elb"], Instances: [{ InstanceId: "i-0web1" }, { InstanceId: "i-0web2" }], ListenerDescriptions: [{ Listener: { Protocol: "HTTPS", LoadBalancerPort: 443, InstanceProtocol: "HTTP", InstancePort: 8080 } }], Tags: [{ Key: "pci:scope", Value: "in" }, { Key: "team", Value: "checkout" }] },
      { LoadBalancerName: "internal-reports", Scheme: "internal", VPCId: "vpc-0corp", Subnets: ["subnet-0corp"], SecurityGroups: [], Instances: [], ListenerDescriptions: [] },
    ],
  };
}

let server: ServicesServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function discover(opts: Omit<ServicesServerOptions, "world"> & { world?: ServicesWorld } = {}) {
  server = await startServicesServer({ world: world(), ...opts });
  const log = memoryLogger();
  const inv = await discoverAws({
    regions: ["us-east-1"],
    accountId: ACCOUNT,
    families: [],
    services: [ecsServices, eksClusters, classicLoadBalancers],
    clientConfig: { endpoint: server.url, credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "secret" } },
    maxAttempts: 3,
    log,
  });
  return { inv, log, server };
}

const cov = (inv: { coverage: Coverage[] }, service: string) => inv.coverage.find((c) => c.service === service);

describe("ECS, EKS and classic ELB against a local server", () => {
  it("an awsvpc service carries its running tasks' addresses and interfaces; EKS endpoints and classic targets are facts", async () => {
    const { inv } = await discover();
    for (const r of inv.resources) Resource.parse(r);
    expect(inv.coverage.map((c) => [c.service, c.status, c.count])).toEqual([
      ["ecs:ListClusters", "ok", 12],
      ["eks:ListClusters", "ok", 2],
      ["elasticloadbalancing:DescribeLoadBalancers (classic)", "ok", 2],
    ]);
    expect(inv.resources.find((r) => r.name === "tokenizer")).toMatchObject({
      kind: "container_service",
      parent: CLUSTER,
      tags: { pci: "cde" },
      network: { subnets: [arn("subnet", "subnet-0pay"), arn("subnet", "subnet-0pay2")], securityGroups: [arn("security-group", "sg-0tok")], privateIps: ["10.10.1.31", "10.10.1.32"] },
      attributes: {
        networkMode: "awsvpc", assignPublicIp: false, runningCount: 2, containerPorts: ["8443"],
        targetGroups: [`arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/tok/abc`],
        networkInterfaces: [arn("network-interface", "eni-0t1"), arn("network-interface", "eni-0t2")],
      },
    });
    // The standalone batch task belongs to no service.
    expect(inv.resources.some((r) => r.network.privateIps.includes("10.10.1.40"))).toBe(false);
    expect(inv.resources.find((r) => r.name === "worker-3")?.attributes).toMatchObject({ networkMode: null, launchType: "EC2" });

    expect(inv.resources.find((r) => r.name === "cards")).toMatchObject({
      kind: "k8s_cluster",
      tags: { pci: "cde" },
      network: { networks: [arn("vpc", "vpc-0pay")], securityGroups: [arn("security-group", "sg-0eks"), arn("security-group", "sg-0ekscluster")] },
      attributes: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"], publicEndpointOpenToInternet: true, clusterSecurityGroup: arn("security-group", "sg-0ekscluster") },
    });
    expect(inv.resources.find((r) => r.name === "internal")?.attributes).toMatchObject({ endpointPublicAccess: false, publicAccessCidrs: [], publicEndpointOpenToInternet: false });

    expect(inv.resources.find((r) => r.name === "legacy-checkout")).toMatchObject({
      uid: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/legacy-checkout`,
      kind: "load_balancer",
      tags: { "pci:scope": "in", team: "checkout" },
      attributes: { type: "classic", internetFacing: true, targets: [arn("instance", "i-0web1"), arn("instance", "i-0web2")], ports: ["HTTP/8080"], listenerPorts: ["HTTPS/443"] },
    });
    expect(inv.resources.find((r) => r.name === "internal-reports")).toMatchObject({ tags: {}, attributes: { internetFacing: false, targets: [] } });
  });

  it("classic tags are read 20 load balancers a call; a denied DescribeTags leaves them untagged and the family partial", async () => {
    const many = world();
    many.classicLoadBalancers = Array.from({ length: 45 }, (_, k) => ({ LoadBalancerName: `lb-${k}`, Scheme: "internal", VPCId: "vpc-0corp", Subnets: [], SecurityGroups: [], Instances: [], ListenerDescriptions: [], Tags: [{ Key: "pci:scope", Value: k % 2 ? "in" : "out" }] }));
    const batched = await discover({ world: many });
    expect(batched.server.requests.filter((r) => r.action === "elasticloadbalancing:DescribeTags").map((r) => r.status)).toEqual([200, 200, 200]);
    const lbs = batched.inv.resources.filter((r) => r.kind === "load_balancer");
    expect(lbs).toHaveLength(45);
    expect(lbs.every((lb) => lb.tags["pci:scope"] === (Number(lb.name.slice(3)) % 2 ? "in" : "out"))).toBe(true);
    expect(cov(batched.inv, "elasticloadbalancing:DescribeLoadBalancers (classic)")).toMatchObject({ status: "ok", count: 45 });
    await batched.server.close();
    server = undefined;

    const { inv } = await discover({ denied: ["elasticloadbalancing:DescribeTags"] });
    expect(cov(inv, "elasticloadbalancing:DescribeLoadBalancers (classic)")).toMatchObject({ status: "partial", count: 2 });
    expect(cov(inv, "elasticloadbalancing:DescribeLoadBalancers (classic)")?.reason).toMatch(/^AccessDenied: 1 follow-up read\(s\) failed, first DescribeTags legacy-checkout…: .*not authorized to perform: elasticloadbalancing:DescribeTags/);
    expect(inv.resources.find((r) => r.name === "legacy-checkout")).toMatchObject({ tags: {}, attributes: { targets: [arn("instance", "i-0web1"), arn("instance", "i-0web2")] } });
  });

  it("pages every list (ListClusters, ListServices, ListTasks, EKS ListClusters, classic Marker) and batches DescribeServices by 10", async () => {
    const paged = await discover({ pageSize: 1 });
    const calls = (a: string) => paged.server.requests.filter((r) => r.action === a).length;
    expect([calls("ecs:ListServices"), calls("ecs:DescribeServices"), calls("ecs:ListTasks"), calls("ecs:DescribeTasks"), calls("eks:ListClusters"), calls("elasticloadbalancing:DescribeLoadBalancers")]).toEqual([12, 2, 3, 1, 2, 2]);
    const shape = (i: typeof paged.inv) => JSON.stringify(i.resources.map((r) => [r.uid, r.network, r.attributes]).sort());
    const pagedShape = shape(paged.inv);
    await paged.server.close();
    server = undefined;
    expect(pagedShape).toEqual(shape((await discover()).inv));
  });

  it("AccessDenied: a denied list is skipped with the reason, a denied follow-up makes the family partial", async () => {
    const { inv, log } = await discover({ denied: ["ecs:ListTasks", "eks:ListClusters", "elasticloadbalancing:DescribeLoadBalancers"] });
    expect(cov(inv, "eks:ListClusters")).toMatchObject({ status: "skipped", count: 0 });
    expect(cov(inv, "eks:ListClusters")?.reason).toMatch(/^AccessDeniedException: User: .* is not authorized to perform: eks:ListClusters/);
    expect(cov(inv, "elasticloadbalancing:DescribeLoadBalancers (classic)")).toMatchObject({ status: "skipped", count: 0 });
    expect(cov(inv, "elasticloadbalancing:DescribeLoadBalancers (classic)")?.reason).toMatch(/^AccessDenied: /);
    // Services are still sent (partial), without task addresses.
    expect(cov(inv, "ecs:ListClusters")).toMatchObject({ status: "partial", count: 12 });
    expect(cov(inv, "ecs:ListClusters")?.reason).toMatch(/^AccessDeniedException: 1 follow-up read\(s\) failed, first ListTasks arn:aws:ecs/);
    expect(inv.resources.find((r) => r.name === "tokenizer")?.network.privateIps).toEqual([]);
    expect(inv.resources.filter((r) => r.kind === "k8s_cluster" || r.kind === "load_balancer")).toEqual([]);
    expect(log.lines.filter((l) => l.msg === "discovery call denied")).toHaveLength(3);
  });

  it("throttled calls (ThrottlingException, 429, Throttling) are retried and end ok", async () => {
    const retried = ["ecs:ListClusters", "ecs:DescribeTasks", "eks:ListClusters", "eks:DescribeCluster", "elasticloadbalancing:DescribeLoadBalancers"];
    const { inv, server } = await discover({ throttle: (action, n) => retried.includes(action) && n === 1 });
    expect(server.requests.filter((r) => r.status === 400 || r.status === 429).map((r) => r.action).sort()).toEqual([...retried].sort());
    expect(inv.coverage.every((c) => c.status === "ok")).toBe(true);
    expect(inv.resources).toHaveLength(16);
  });
});
