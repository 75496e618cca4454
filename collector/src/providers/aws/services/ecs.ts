import { DescribeServicesCommand, DescribeTasksCommand, paginateListClusters, paginateListServices, paginateListTasks, type Service, type Task } from "@aws-sdk/client-ecs";
import { collect, ec2Arn, empty, FollowUps, mapLimit, network, resource, uniq } from "../types.js";
import type { AwsServiceFamily } from "./types.js";

export interface EcsServiceRead {
  service: Service;
  /** The service's running tasks (their `group` is "service:<name>"). */
  tasks: Task[];
}

const chunks = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, k) => xs.slice(k * n, k * n + n));

/** One cluster's services (DescribeServices takes 10 at a time; tags only when asked for) and running tasks (100 at a time). */
async function readCluster(c: Parameters<AwsServiceFamily<unknown>["get"]>[0], cluster: string, follow: FollowUps): Promise<EcsServiceRead[]> {
  const ecs = c.ecs;
  const serviceArns = (await follow.read(`ListServices ${cluster}`, () => collect(paginateListServices({ client: ecs, pageSize: 100 }, { cluster }), (p) => p.serviceArns))) ?? [];
  const services: Service[] = [];
  for (const batch of chunks(serviceArns, 10)) {
    const r = await follow.read(`DescribeServices ${cluster}`, () => ecs.send(new DescribeServicesCommand({ cluster, services: batch, include: ["TAGS"] })));
    services.push(...(r?.services ?? []));
  }
  const taskArns = (await follow.read(`ListTasks ${cluster}`, () => collect(paginateListTasks({ client: ecs, pageSize: 100 }, { cluster, desiredStatus: "RUNNING" }), (p) => p.taskArns))) ?? [];
  const tasks: Task[] = [];
  for (const batch of chunks(taskArns, 100)) {
    const r = await follow.read(`DescribeTasks ${cluster}`, () => ecs.send(new DescribeTasksCommand({ cluster, tasks: batch })));
    tasks.push(...(r?.tasks ?? []));
  }
  return services.map((service) => ({ service, tasks: tasks.filter((t) => t.group === `service:${service.serviceName}`) }));
}

/** A task's elastic network interface (awsvpc mode): its id, subnet and private address. */
function eni(t: Task): { id?: string | undefined; subnet?: string | undefined; ip?: string | undefined } {
  const a = (t.attachments ?? []).find((x) => x.type === "ElasticNetworkInterface");
  const d = (name: string) => a?.details?.find((x) => x.name === name)?.value;
  return { id: d("networkInterfaceId"), subnet: d("subnetId"), ip: d("privateIPv4Address") };
}

/**
 * ECS services as `container_service` resources. In awsvpc mode (Fargate always) each task
 * has its own network interface in the service's subnets behind its security groups: those
 * are the service's network facts, with the running tasks' addresses and interfaces.
 */
export const ecsServices: AwsServiceFamily<EcsServiceRead> = {
  name: "ecs-services",
  service: "ecs:ListClusters",
  calls: {
    paginateListClusters: "ecs:ListClusters",
    paginateListServices: "ecs:ListServices",
    DescribeServicesCommand: "ecs:DescribeServices",
    paginateListTasks: "ecs:ListTasks",
    DescribeTasksCommand: "ecs:DescribeTasks",
  },
  kinds: ["container_service"],
  async get(c) {
    const clusters = await collect(paginateListClusters({ client: c.ecs, pageSize: 100 }, {}), (p) => p.clusterArns);
    const follow = new FollowUps();
    const reads = (await mapLimit(clusters, 4, (cluster) => readCluster(c, cluster, follow))).flat();
    return follow.finish(reads);
  },
  transform(items, ctx) {
    const out = empty();
    for (const { service: s, tasks } of items) {
      if (!s.serviceArn || s.status === "INACTIVE") continue;
      const account = s.serviceArn.split(":")[4] || ctx.account;
      const c = { ...ctx, account };
      const vpc = s.networkConfiguration?.awsvpcConfiguration;
      const enis = tasks.map(eni);
      out.resources.push(
        resource({
          uid: s.serviceArn,
          account,
          region: ctx.region,
          kind: "container_service",
          name: (s.serviceName ?? "").slice(0, 512),
          tags: Object.fromEntries((s.tags ?? []).filter((t) => t.key).map((t) => [t.key!.slice(0, 256), (t.value ?? "").slice(0, 512)])),
          ...(s.clusterArn ? { parent: s.clusterArn } : {}),
          network: network({
            subnets: [...(vpc?.subnets ?? []), ...enis.map((e) => e.subnet)].map((id) => (id ? ec2Arn(c, "subnet", id) : undefined)),
            securityGroups: (vpc?.securityGroups ?? []).map((g) => ec2Arn(c, "security-group", g)),
            privateIps: enis.map((e) => e.ip),
          }),
          attributes: {
            clusterArn: s.clusterArn ?? null,
            launchType: s.launchType ?? (s.capacityProviderStrategy?.length ? "capacity_provider" : null),
            networkMode: vpc ? "awsvpc" : null,
            assignPublicIp: vpc?.assignPublicIp === "ENABLED",
            status: s.status ?? null,
            desiredCount: s.desiredCount ?? null,
            runningCount: s.runningCount ?? null,
            taskDefinition: s.taskDefinition ?? null,
            targetGroups: uniq((s.loadBalancers ?? []).map((l) => l.targetGroupArn)),
            classicLoadBalancers: uniq((s.loadBalancers ?? []).map((l) => l.loadBalancerName)),
            containerPorts: uniq((s.loadBalancers ?? []).map((l) => (l.containerPort ? String(l.containerPort) : undefined))),
            tasks: uniq(tasks.map((t) => t.taskArn)).slice(0, 256),
            // Public addresses of the tasks are filled in from these interfaces after discovery.
            networkInterfaces: uniq(enis.map((e) => (e.id ? ec2Arn(c, "network-interface", e.id) : undefined))).slice(0, 256),
          },
        }),
      );
    }
    return out;
  },
};
