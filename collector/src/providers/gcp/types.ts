import type { FirewallsClient, ForwardingRulesClient, GlobalForwardingRulesClient, InstancesClient, NetworksClient, RoutesClient, SubnetworksClient } from "@google-cloud/compute";
import type { Resource, ResourceKind } from "../../../../contract/index.js";
import { type Discovered, network } from "../shared.js";
import type { GcpRest } from "./rest.js";

export interface GcpClients {
  networks: NetworksClient;
  subnetworks: SubnetworksClient;
  routes: RoutesClient;
  firewalls: FirewallsClient;
  instances: InstancesClient;
  forwardingRules: ForwardingRulesClient;
  globalForwardingRules: GlobalForwardingRulesClient;
  /** Cloud SQL Admin and GKE, over REST. */
  rest: GcpRest;
}

export interface ProjectContext {
  project: string;
}

/**
 * One GCP resource family: `get` lists it for a project (pageToken paging and aggregated
 * lists are the client's), `transform` is pure. `permissions` are the IAM permissions the
 * calls need; the shipped custom role grants exactly their union.
 */
export interface GcpFamily<T> {
  name: string;
  permissions: string[];
  kinds: ResourceKind[];
  get(clients: GcpClients, project: string): Promise<T[]>;
  transform(items: T[], ctx: ProjectContext): Discovered;
}

/** Self links are the uids; the API host in them is normalized so references always join. */
export function gcpUid(link: string): string;
export function gcpUid(link: string | null | undefined): string | undefined;
export function gcpUid(link: string | null | undefined): string | undefined {
  if (!link) return undefined;
  return link.replace(/^https?:\/\/[^/]+\/compute\/(v1|beta|alpha)\//, "https://www.googleapis.com/compute/v1/");
}

/** `projects/p/global/networks/n` (as Cloud SQL and GKE name networks) or a self link → the network's uid. */
export function networkUid(ref: string | null | undefined): string | undefined {
  if (!ref) return undefined;
  return ref.includes("://") ? gcpUid(ref) : `https://www.googleapis.com/compute/v1/${ref.replace(/^\/+/, "")}`;
}

/** `projects/p/regions/r/subnetworks/s` or a self link → the subnetwork's uid. */
export const subnetworkUid = networkUid;

/** `.../zones/us-central1-a` → `us-central1`; `.../regions/europe-west1` → `europe-west1`. */
export function regionOf(zoneOrRegion: string | null | undefined): string {
  const last = (zoneOrRegion ?? "").split("/").pop() ?? "";
  return /-[a-z]$/.test(last) && /^[a-z]+-[a-z]+\d+-[a-z]$/.test(last) ? last.slice(0, -2) : last || "global";
}

export function lastSegment(link: string | null | undefined): string {
  return (link ?? "").split("/").pop() ?? "";
}

export function gcpResource(r: Omit<Resource, "provider" | "tags" | "network" | "attributes"> & Partial<Resource>): Resource {
  return { provider: "gcp", tags: {}, network: network({}), attributes: {}, ...r };
}

export function labels(l: Record<string, string> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(l ?? {})) if (k) out[k.slice(0, 256)] = String(v ?? "").slice(0, 512);
  return out;
}

/** The group uid a network tag stands for in rules and membership lists. */
export function tagGroup(networkUid: string, tag: string): string {
  return `${networkUid}#tag:${tag}`;
}

/** The group uid a service account stands for in rules and membership lists. */
export function serviceAccountGroup(networkUid: string, email: string): string {
  return `${networkUid}#serviceAccount:${email}`;
}

/** Drains an aggregated list (`[scope, { items }]` pairs) into its items. */
export async function drainAggregated<T>(pages: AsyncIterable<[string, Record<string, unknown>]>, key: string): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const [, scoped] of pages) out.push(...((scoped[key] as T[] | undefined) ?? []));
  } catch (err) {
    if (out.length > 0 && err && typeof err === "object") Object.assign(err, { partialItems: out });
    throw err;
  }
  return out;
}

/** The async pagers page by themselves; saying so keeps google-gax from printing a warning on every list. */
export const NO_AUTOPAGINATE = { autoPaginate: false } as const;
