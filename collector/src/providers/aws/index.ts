import { EC2Client, type EC2ClientConfig } from "@aws-sdk/client-ec2";
import type { Coverage, Resource, Route, Rule } from "../../../../contract/index.js";
import type { Logger } from "../../log.js";
import { internetGateways, natGateways } from "./gateways.js";
import { instances } from "./instances.js";
import { networkAcls } from "./network-acls.js";
import { networkInterfaces } from "./network-interfaces.js";
import { vpcPeerings } from "./peerings.js";
import { prefixLists } from "./prefix-lists.js";
import { routeTables } from "./route-tables.js";
import { securityGroups } from "./security-groups.js";
import { AWS_SERVICE_FAMILIES } from "./services/index.js";
import { AwsServiceClients, type AwsServiceFamily } from "./services/types.js";
import { subnets } from "./subnets.js";
import { transitGatewayAttachments, transitGatewayRouteTables, transitGateways } from "./transit-gateways.js";
import type { AwsFamily } from "./types.js";
import { logDiscoveryFinished } from "../shared.js";
import { vpcEndpoints } from "./vpc-endpoints.js";
import { vpcs } from "./vpcs.js";

/** Every AWS resource family the collector reads; the IAM policy grants exactly these actions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const AWS_FAMILIES: ReadonlyArray<AwsFamily<any>> = [
  vpcs,
  subnets,
  securityGroups,
  networkInterfaces,
  instances,
  routeTables,
  internetGateways,
  natGateways,
  networkAcls,
  vpcPeerings,
  transitGateways,
  transitGatewayAttachments,
  transitGatewayRouteTables,
  vpcEndpoints,
  prefixLists,
];

export interface AwsInventory {
  resources: Resource[];
  rules: Rule[];
  routes: Route[];
  coverage: Coverage[];
}

export interface AwsDiscoveryOptions {
  regions: string[];
  /** Known account id; otherwise learnt from the OwnerId the resources carry. */
  accountId?: string;
  /** Extra SDK client settings (tests point `endpoint` and `credentials` at a local server). */
  clientConfig?: Omit<EC2ClientConfig, "region">;
  maxAttempts?: number;
  families?: ReadonlyArray<AwsFamily<unknown>>;
  /** Families read through other services (ELBv2, RDS, Lambda, S3); default all of them. */
  services?: ReadonlyArray<AwsServiceFamily<unknown>>;
  log?: Logger;
}

const DENIED = new Set(["UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "AuthFailure", "OptInRequired", "Blocked"]);
const THROTTLED = new Set(["RequestLimitExceeded", "Throttling", "ThrottlingException", "TooManyRequestsException", "RequestThrottled", "SlowDown", "RequestThrottledException"]);

interface FamilyResult {
  family: Pick<AwsFamily<unknown>, "transform" | "kinds" | "ownerIds"> & { action: string; name: string };
  /** Coverage service name, e.g. "ec2:DescribeVpcs" or "rds:DescribeDBInstances". */
  service: string;
  region: string;
  items: unknown[];
  status: Coverage["status"];
  reason?: string;
}

/**
 * Reads every family in every region with the SDK's standard configuration (credential
 * chain, AWS_ENDPOINT_URL...), then transforms. A denied or throttled call becomes a
 * `skipped` (nothing read) or `partial` (some pages read) coverage entry with the reason;
 * it is never reported as an empty, complete list.
 */
export async function discoverAws(opts: AwsDiscoveryOptions): Promise<AwsInventory> {
  const families = opts.families ?? AWS_FAMILIES;
  const log = opts.log;
  const started = Date.now();
  const results = (
    await Promise.all(
      opts.regions.map(async (region) => {
        const client = new EC2Client({ maxAttempts: opts.maxAttempts ?? 6, ...opts.clientConfig, region });
        const serviceClients = new AwsServiceClients({ region, ...(opts.clientConfig ? { clientConfig: opts.clientConfig } : {}), ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}) });
        // Global services (S3) are read once, through the first region.
        const services = (opts.services ?? AWS_SERVICE_FAMILIES).filter((s) => !s.global || region === opts.regions[0]);
        try {
          return await Promise.all([
            ...families.map((family) => readFamily(() => family.get(client), { ...family, service: `ec2:${family.action}` }, region, log)),
            ...services.map((s) => readFamily(() => s.get(serviceClients), { ...asFamily(s), service: s.service }, region, log)),
          ]);
        } finally {
          client.destroy();
          serviceClients.destroy();
        }
      }),
    )
  ).flat();

  const account = opts.accountId ?? callerAccount(results);
  if (!account) log?.warn("could not learn the AWS account id (no resource carried an OwnerId); set PSG_AWS_ACCOUNT_ID");
  const inv: AwsInventory = { resources: [], rules: [], routes: [], coverage: [] };
  const seen = new Set<string>();
  for (const r of results) {
    // Coverage is about the caller's account; resources shared from other accounts (RAM)
    // keep their own OwnerId in their uid and `account`.
    const regionAccount = account ?? "unknown";
    const out = r.family.transform(r.items, { region: r.region, account: regionAccount });
    for (const res of out.resources) {
      if (seen.has(res.uid)) continue; // a cross-region peering is listed by both regions
      seen.add(res.uid);
      inv.resources.push(res);
    }
    inv.rules.push(...out.rules);
    inv.routes.push(...out.routes);
    inv.coverage.push({
      provider: "aws",
      account: regionAccount,
      region: r.region,
      service: r.service,
      kinds: r.family.kinds,
      status: r.status,
      count: out.resources.length,
      ...(r.reason ? { reason: r.reason.slice(0, 2048) } : {}),
    });
  }
  linkDiscovered(inv.resources);
  logDiscoveryFinished(log, "aws", { regions: opts.regions }, inv, started);
  return inv;
}

/** The account the credentials belong to: the owner most of what was listed carries. */
function callerAccount(results: FamilyResult[]): string | undefined {
  const votes = new Map<string, number>();
  for (const r of results) for (const id of r.family.ownerIds(r.items)) votes.set(id, (votes.get(id) ?? 0) + 1);
  // Each family votes once per owner; reservations (instances) are always the caller's, so they count double.
  for (const r of results) if (r.family.action === "DescribeInstances") for (const id of r.family.ownerIds(r.items)) votes.set(id, (votes.get(id) ?? 0) + 1);
  return [...votes].sort((a, b) => b[1] - a[1])[0]?.[0];
}

function asFamily(s: AwsServiceFamily<unknown>): FamilyResult["family"] {
  return { name: s.name, action: s.service, kinds: s.kinds, transform: s.transform, ownerIds: () => [] };
}

async function readFamily(get: () => Promise<unknown[]>, family: FamilyResult["family"] & { service: string }, region: string, log?: Logger): Promise<FamilyResult> {
  const collected: unknown[] = [];
  const service = family.service;
  try {
    const items = await get();
    log?.progress("discovery", { region, family: family.name, items: items.length });
    return { family, service, region, items, status: "ok" };
  } catch (err) {
    const e = err as { name?: string; Code?: string; message?: string; partialItems?: unknown[]; $metadata?: { httpStatusCode?: number } };
    const code = e.Code ?? e.name ?? "Error";
    const partial = e.partialItems ?? collected;
    const reason = `${code}: ${e.message ?? "unknown error"}`;
    const denied = DENIED.has(code);
    const throttled = THROTTLED.has(code);
    log?.warn(denied ? "discovery call denied" : throttled ? "discovery call throttled" : "discovery call failed", {
      region,
      action: service,
      code,
      message: e.message,
      status: e.$metadata?.httpStatusCode,
    });
    return { family, service, region, items: partial, status: partial.length > 0 ? "partial" : "skipped", reason };
  }
}

/** Facts that join families: load-balancer IP targets to their owners, interface addresses to endpoints and ECS services. */
export function linkDiscovered(resources: Resource[]): void {
  linkTargetIps(resources);
  linkInterfaceAddresses(resources);
}

/** Load-balancer targets registered by IP become the resources holding those addresses (instances, awsvpc ECS tasks). */
function linkTargetIps(resources: Resource[]): void {
  const owner = new Map<string, string>();
  for (const r of resources) if (r.kind === "instance" || r.kind === "container_service") for (const ip of r.network.privateIps) owner.set(ip, r.uid);
  for (const r of resources) {
    const ips = r.attributes.targetIps;
    if (r.kind !== "load_balancer" || !Array.isArray(ips) || ips.length === 0) continue;
    const targets = Array.isArray(r.attributes.targets) ? r.attributes.targets : [];
    r.attributes.targets = [...new Set([...targets, ...ips.flatMap((ip) => owner.get(ip) ?? [])])];
  }
}

/**
 * Interface endpoints and awsvpc ECS services name their network interfaces; the addresses
 * (private and public) are read from those interfaces, which DescribeNetworkInterfaces lists.
 */
function linkInterfaceAddresses(resources: Resource[]): void {
  const nics = new Map<string, Resource>();
  for (const r of resources) if (r.kind === "nic") nics.set(r.uid, r);
  for (const r of resources) {
    if (r.kind !== "endpoint" && r.kind !== "container_service") continue;
    const ids = r.attributes.networkInterfaces;
    if (!Array.isArray(ids) || ids.length === 0) continue;
    const found = ids.flatMap((id) => nics.get(id) ?? []);
    if (found.length === 0) continue;
    const merge = (a: string[], b: string[], max: number) => [...new Set([...a, ...b])].slice(0, max);
    r.network = {
      ...r.network,
      privateIps: merge(r.network.privateIps, found.flatMap((n) => n.network.privateIps), 256),
      publicIps: merge(r.network.publicIps, found.flatMap((n) => n.network.publicIps), 64),
    };
  }
}
