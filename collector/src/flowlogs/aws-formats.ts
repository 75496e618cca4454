/** The field layouts AWS documents for VPC and Transit Gateway flow logs, and custom LogFormat strings. */

export const DEFAULT_V2_FIELDS = [
  "version",
  "account-id",
  "interface-id",
  "srcaddr",
  "dstaddr",
  "srcport",
  "dstport",
  "protocol",
  "packets",
  "bytes",
  "start",
  "end",
  "action",
  "log-status",
] as const;

/**
 * Transit Gateway flow logs, default format (version 6): no `action` field — a record is
 * traffic the transit gateway carried (the packets-lost-* fields count what it dropped).
 */
export const TGW_DEFAULT_V6_FIELDS = [
  "version",
  "resource-type",
  "account-id",
  "tgw-id",
  "tgw-attachment-id",
  "tgw-src-vpc-account-id",
  "tgw-dst-vpc-account-id",
  "tgw-src-vpc-id",
  "tgw-dst-vpc-id",
  "tgw-src-subnet-id",
  "tgw-dst-subnet-id",
  "tgw-src-eni",
  "tgw-dst-eni",
  "tgw-src-az-id",
  "tgw-dst-az-id",
  "tgw-pair-attachment-id",
  "srcaddr",
  "dstaddr",
  "srcport",
  "dstport",
  "protocol",
  "packets",
  "bytes",
  "start",
  "end",
  "log-status",
  "type",
  "packets-lost-no-route",
  "packets-lost-blackhole",
  "packets-lost-mtu-exceeded",
  "packets-lost-ttl-expired",
  "tcp-flags",
  "region",
  "flow-direction",
  "pkt-src-aws-service",
  "pkt-dst-aws-service",
] as const;

/**
 * The field names of a flow log's LogFormat as AWS writes it (`${version} ${srcaddr} ...`),
 * or a plain space-separated list; an error names what is not a field.
 */
export function parseLogFormat(format: string): string[] {
  const names = format.trim().split(/\s+/).map((t) => {
    const m = /^\$\{([a-z0-9-]+)\}$/.exec(t) ?? /^([a-z0-9-]+)$/.exec(t);
    if (!m) throw new Error(`not a flow-log field: ${JSON.stringify(t)} (expected \${field-name})`);
    return m[1]!;
  });
  const missing = ["srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end"].filter((f) => !names.includes(f));
  if (!names.includes("action") && !names.some((n) => n.startsWith("tgw-"))) missing.push("action");
  if (missing.length > 0) throw new Error(`flow-log format lacks ${missing.join(", ")}: edges need them`);
  return names;
}

/** Every field name AWS documents for VPC (v2–v8) and Transit Gateway flow logs: what a header line is made of. */
export const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  ...DEFAULT_V2_FIELDS,
  ...TGW_DEFAULT_V6_FIELDS,
  ..."vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id sublocation-type sublocation-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path".split(" "),
  ..."ecs-cluster-arn ecs-cluster-name ecs-container-instance-arn ecs-container-instance-id ecs-container-id ecs-second-container-id ecs-service-name ecs-task-definition-arn ecs-task-arn ecs-task-id reject-reason".split(" "),
]);
