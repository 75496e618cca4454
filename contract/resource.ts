import { z } from "zod";

/** Globally unique id of a cloud resource: ARN, Azure resource ID or GCP selfLink. */
export const Uid = z.string().min(1).max(2048);

export const Provider = z.enum(["aws", "azure", "gcp"]);
export type Provider = z.infer<typeof Provider>;

export const ResourceKind = z.enum([
  "instance",
  "nic",
  "database",
  "function",
  "load_balancer",
  "bucket",
  "container_service",
  "k8s_cluster",
  "network",
  "subnet",
  "security_group",
  "route_table",
  "network_acl",
  "gateway",
  "peering",
  "endpoint",
  "public_ip",
  "prefix_list",
  "firewall",
  "other",
]);
export type ResourceKind = z.infer<typeof ResourceKind>;

/** IPv4 or IPv6 address in its usual text form. */
export const IpAddress = z.union([z.ipv4(), z.ipv6()]);

/** Where a resource sits in the network; every list holds uids or addresses. */
export const NetworkFacts = z.object({
  networks: z.array(Uid).max(64).default([]),
  subnets: z.array(Uid).max(256).default([]),
  securityGroups: z.array(Uid).max(64).default([]),
  privateIps: z.array(IpAddress).max(256).default([]),
  publicIps: z.array(IpAddress).max(64).default([]),
});
export type NetworkFacts = z.infer<typeof NetworkFacts>;

/** Small typed facts that scoping and checks need (engine, encrypted, publicly accessible...). */
export const AttributeValue = z.union([
  z.string().max(1024),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.string().max(1024)).max(256),
]);
export const Attributes = z.record(z.string().min(1).max(128), AttributeValue);

export const Resource = z.object({
  uid: Uid,
  provider: Provider,
  /** AWS account id, Azure subscription id, GCP project id. */
  account: z.string().min(1).max(128),
  region: z.string().max(64),
  kind: ResourceKind,
  name: z.string().max(512),
  tags: z.record(z.string().min(1).max(256), z.string().max(512)).default({}),
  /** The resource this one belongs to or is attached to (a NIC's instance, a subnet's network). */
  parent: Uid.optional(),
  network: NetworkFacts.default({ networks: [], subnets: [], securityGroups: [], privateIps: [], publicIps: [] }),
  attributes: Attributes.default({}),
});
export type Resource = z.infer<typeof Resource>;
export type ResourceInput = z.input<typeof Resource>;
