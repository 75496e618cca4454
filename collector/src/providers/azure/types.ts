import type { ComputeManagementClient } from "@azure/arm-compute";
import type { NetworkManagementClient } from "@azure/arm-network";
import type { SqlManagementClient } from "@azure/arm-sql";
import type { Resource, ResourceKind } from "../../../../contract/index.js";
import { type Discovered, network } from "../shared.js";

export interface AzureClients {
  network: NetworkManagementClient;
  compute: ComputeManagementClient;
  sql: SqlManagementClient;
  /** The network client of another subscription (a firewall policy kept in a central subscription). */
  networkFor(subscription: string): NetworkManagementClient;
}

export interface SubscriptionContext {
  subscription: string;
}

/**
 * One Azure resource family: `get` lists it subscription-wide through the SDK (nextLink
 * paging is the SDK's), `transform` is pure. `permissions` are the role actions the calls
 * need; the shipped custom role grants exactly the union of them.
 */
export interface AzureFamily<T> {
  name: string;
  permissions: string[];
  kinds: ResourceKind[];
  get(clients: AzureClients): Promise<T[]>;
  transform(items: T[], ctx: SubscriptionContext): Discovered;
}

/**
 * Azure resource IDs are case-insensitive and references to a resource do not always use
 * its own casing; uids are the lower-cased ID so that references join.
 */
export function armUid(id: string): string;
export function armUid(id: string | undefined | null): string | undefined;
export function armUid(id: string | undefined | null): string | undefined {
  return id ? id.toLowerCase() : undefined;
}

/** `/subscriptions/s/resourceGroups/rg/providers/...` → `rg`. */
export function resourceGroupOf(id: string): string {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? "";
}

/** The resource that owns a child ID: `.../networkInterfaces/nic1/ipConfigurations/ip1` → `.../networkInterfaces/nic1`. */
export function parentId(id: string, levels = 1): string {
  return id.split("/").slice(0, -2 * levels).join("/");
}

export function azureResource(r: Omit<Resource, "provider" | "tags" | "network" | "attributes"> & Partial<Resource>): Resource {
  return { provider: "azure", tags: {}, network: network({}), attributes: {}, ...r };
}

interface Tracked {
  id?: string;
  name?: string;
  location?: string;
  tags?: Record<string, string>;
}

/** The fields every tracked resource maps the same way. */
export function base(x: Tracked & { id: string }, ctx: SubscriptionContext) {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(x.tags ?? {})) if (k) tags[k.slice(0, 256)] = String(v ?? "").slice(0, 512);
  return {
    uid: armUid(x.id),
    account: ctx.subscription,
    region: (x.location ?? "").slice(0, 64),
    name: (x.name ?? x.id.split("/").pop() ?? "").slice(0, 512),
    tags,
  };
}
