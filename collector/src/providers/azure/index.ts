import { ComputeManagementClient } from "@azure/arm-compute";
import { NetworkManagementClient } from "@azure/arm-network";
import { SqlManagementClient } from "@azure/arm-sql";
import type { TokenCredential } from "@azure/core-auth";
import { ClientSecretCredential, DefaultAzureCredential } from "@azure/identity";
import type { Logger } from "../../log.js";
import { coverageOf, emptyInventory, type Inventory, logDiscoveryFinished, mergeInventory, readList } from "../shared.js";
import { applicationGateways, loadBalancers } from "./balancers.js";
import { virtualMachines } from "./compute.js";
import { linkAzure } from "./link.js";
import { networkInterfaces, publicIpAddresses, routeTables, virtualNetworks } from "./network.js";
import { applicationSecurityGroups, azureFirewalls, ipGroups, networkSecurityGroups } from "./security.js";
import { sqlServers } from "./sql.js";
import type { AzureClients, AzureFamily } from "./types.js";

/** Every Azure family the collector reads; the shipped custom role grants exactly their permissions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const AZURE_FAMILIES: ReadonlyArray<AzureFamily<any>> = [
  virtualNetworks,
  networkSecurityGroups,
  applicationSecurityGroups,
  routeTables,
  networkInterfaces,
  publicIpAddresses,
  loadBalancers,
  applicationGateways,
  azureFirewalls,
  ipGroups,
  virtualMachines,
  sqlServers,
];

export const AZURE_PUBLIC_ARM = "https://management.azure.com";

export interface AzureDiscoveryOptions {
  subscriptions: string[];
  /** ARM endpoint: public cloud by default; sovereign clouds (e.g. https://management.usgovcloudapi.net) or a test server. */
  armEndpoint?: string;
  /** Entra ID authority host (e.g. https://login.microsoftonline.us); the SDK default otherwise. */
  authorityHost?: string;
  /** Token audience; default `<armEndpoint>/.default`. */
  scope?: string;
  credential?: TokenCredential;
  /** Extra CA for a private or test endpoint (production: NODE_EXTRA_CA_CERTS works too). */
  tlsOptions?: { ca?: string | Buffer };
  maxRetries?: number;
  retryDelayMs?: number;
  families?: ReadonlyArray<AzureFamily<unknown>>;
  log?: Logger;
}

/**
 * The standard Azure credential chain (environment, workload identity, managed identity,
 * Azure CLI), with the authority host of the configured cloud. With a custom authority host
 * instance discovery (a call to the public cloud) is turned off.
 */
export function azureCredential(opts: Pick<AzureDiscoveryOptions, "authorityHost" | "tlsOptions">, env: NodeJS.ProcessEnv = process.env): TokenCredential {
  const common = {
    ...(opts.authorityHost ? { authorityHost: opts.authorityHost, disableInstanceDiscovery: true } : {}),
    ...(opts.tlsOptions ? { tlsOptions: opts.tlsOptions } : {}),
  };
  if (env.AZURE_TENANT_ID && env.AZURE_CLIENT_ID && env.AZURE_CLIENT_SECRET) {
    return new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, common);
  }
  return new DefaultAzureCredential(common);
}

export function azureClients(subscription: string, credential: TokenCredential, opts: AzureDiscoveryOptions): AzureClients {
  const endpoint = (opts.armEndpoint ?? AZURE_PUBLIC_ARM).replace(/\/+$/, "");
  const scopes = [opts.scope ?? `${endpoint}/.default`];
  const common = {
    endpoint,
    ...(opts.tlsOptions ? { tlsOptions: opts.tlsOptions } : {}),
    retryOptions: { maxRetries: opts.maxRetries ?? 5, retryDelayInMs: opts.retryDelayMs ?? 1000, maxRetryDelayInMs: 60_000 },
    userAgentOptions: { userAgentPrefix: "pci-scope-guard-collector" },
  };
  const network = new NetworkManagementClient(credential, subscription, { ...common, credentialScopes: scopes });
  const others = new Map<string, NetworkManagementClient>();
  return {
    network,
    networkFor: (sub) => {
      if (sub.toLowerCase() === subscription.toLowerCase()) return network;
      let client = others.get(sub.toLowerCase());
      if (!client) others.set(sub.toLowerCase(), (client = new NetworkManagementClient(credential, sub, { ...common, credentialScopes: scopes })));
      return client;
    },
    sql: new SqlManagementClient(credential, subscription, { ...common, credentialScopes: scopes }),
    compute: new ComputeManagementClient(credential, subscription, { ...common, credentials: { scopes } }),
  };
}

function describeAzureError(err: unknown) {
  const e = err as { statusCode?: number; code?: string; message?: string; name?: string; details?: unknown; response?: { bodyAsText?: string } };
  const status = e.statusCode;
  // The newer (compute) clients say only "Pagination failed…": ARM's own error is in the body.
  const armError = armErrorOf(e.details) ?? armErrorOf(safeJson(e.response?.bodyAsText));
  const code = armError?.code ?? e.code ?? e.name ?? "Error";
  const message = armError?.message ?? e.message;
  const kind = status === 403 || status === 401 || code === "AuthorizationFailed" ? ("denied" as const) : status === 429 ? ("throttled" as const) : ("failed" as const);
  return { code: status ? `${code} (HTTP ${status})` : code, message: (message ?? "unknown error").split("\n")[0] ?? "", kind, status };
}

/** Some clients drop ARM's message (which names the action): say which permissions the family needs. */
function withNeededPermissions<D extends { message: string; kind: string }>(d: D, family: AzureFamily<unknown>): D {
  if (d.kind !== "denied" || family.permissions.some((p) => d.message.includes(p))) return d;
  return { ...d, message: `${d.message}; the collector's role needs ${family.permissions.join(", ")}` };
}

function armErrorOf(x: unknown): { code?: string; message?: string } | undefined {
  const e = (x as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return e && typeof e.message === "string" ? { message: e.message, ...(typeof e.code === "string" ? { code: e.code } : {}) } : undefined;
}

function safeJson(text: string | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads every family in every subscription (subscription-wide lists, so no region loop),
 * then links what Azure spreads over several lists. A denied (403) or throttled (429, after
 * the SDK's own retries honouring Retry-After) list is `skipped`/`partial` with the reason.
 */
export async function discoverAzure(opts: AzureDiscoveryOptions): Promise<Inventory> {
  const families = opts.families ?? AZURE_FAMILIES;
  const credential = opts.credential ?? azureCredential(opts);
  const started = Date.now();
  // One throttled progress line with running counts: a large tenant takes minutes.
  const progress = { calls: opts.subscriptions.length * families.length, done: 0, items: 0 };
  const perSubscription = await Promise.all(
    opts.subscriptions.map(async (subscription) => {
      const clients = azureClients(subscription, credential, opts);
      const inv = emptyInventory();
      const reads = await Promise.all(
        families.map(async (family) => ({
          family,
          read: await readList(() => family.get(clients), (err) => withNeededPermissions(describeAzureError(err), family), { provider: "azure", subscription, family: family.name }, opts.log).then((read) => {
            progress.done++;
            progress.items += read.items.length;
            opts.log?.progress("azure-discovery", { lists: `${progress.done}/${progress.calls}`, items: progress.items, seconds: (Date.now() - started) / 1000 });
            return read;
          }),
        })),
      );
      for (const { family, read } of reads) {
        const out = family.transform(read.items, { subscription });
        mergeInventory(inv, { ...out, coverage: [] });
        const service = family.permissions[0]!.replace(/\/read$/, "");
        inv.coverage.push(coverageOf("azure", subscription, "global", service, family.kinds, read, out.resources.length));
      }
      return inv;
    }),
  );
  const inv = perSubscription.reduce(mergeInventory, emptyInventory());
  // Peerings and load balancers can cross subscriptions: link over everything read.
  linkAzure(inv.resources, inv.routes);
  logDiscoveryFinished(opts.log, "azure", { subscriptions: opts.subscriptions }, inv, started);
  return inv;
}
