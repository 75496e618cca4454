// The clients one by one, not the package index: the index also loads every other Compute
// client and a 30 MB protobuf module, which the collector (REST transport) never uses.
import { FirewallsClient } from "@google-cloud/compute/build/src/v1/firewalls_client.js";
import { ForwardingRulesClient } from "@google-cloud/compute/build/src/v1/forwarding_rules_client.js";
import { GlobalForwardingRulesClient } from "@google-cloud/compute/build/src/v1/global_forwarding_rules_client.js";
import { InstancesClient } from "@google-cloud/compute/build/src/v1/instances_client.js";
import { NetworksClient } from "@google-cloud/compute/build/src/v1/networks_client.js";
import { RoutesClient } from "@google-cloud/compute/build/src/v1/routes_client.js";
import { SubnetworksClient } from "@google-cloud/compute/build/src/v1/subnetworks_client.js";
import type { AuthClient } from "google-auth-library";
import type { ClientOptions } from "google-gax";
import type { Logger } from "../../log.js";
import { coverageOf, emptyInventory, type Inventory, logDiscoveryFinished, mergeInventory, readList } from "../shared.js";
import { cloudSqlInstances } from "./cloudsql.js";
import { forwardingRules, globalForwardingRules, instances } from "./compute.js";
import { firewalls } from "./firewalls.js";
import { gkeClusters } from "./gke.js";
import { linkGcp } from "./link.js";
import { networks, routes, subnetworks } from "./network.js";
import { gcpRest } from "./rest.js";
import type { GcpClients, GcpFamily } from "./types.js";

/** Every GCP family the collector reads; the shipped custom role grants exactly their permissions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const GCP_FAMILIES: ReadonlyArray<GcpFamily<any>> = [
  networks,
  subnetworks,
  routes,
  firewalls,
  instances,
  forwardingRules,
  globalForwardingRules,
  cloudSqlInstances,
  gkeClusters,
];

export interface GcpDiscoveryOptions {
  projects: string[];
  /** Compute API endpoint, e.g. https://compute.googleapis.com (default), a Private Service Connect name, or a test server. */
  apiEndpoint?: string;
  /** Cloud SQL Admin API endpoint (default https://sqladmin.googleapis.com): a PSC / restricted name, or a test server. */
  sqlAdminEndpoint?: string;
  /** GKE API endpoint (default https://container.googleapis.com). */
  containerEndpoint?: string;
  /** Default: Application Default Credentials (workload identity, metadata server, GOOGLE_APPLICATION_CREDENTIALS). */
  authClient?: AuthClient;
  /** Attempts per list when throttled (429 / RESOURCE_EXHAUSTED), with exponential backoff and jitter. */
  maxAttempts?: number;
  baseDelayMs?: number;
  families?: ReadonlyArray<GcpFamily<unknown>>;
  log?: Logger;
}

export function gcpClients(opts: Pick<GcpDiscoveryOptions, "apiEndpoint" | "authClient" | "sqlAdminEndpoint" | "containerEndpoint"> & { projectId?: string }): GcpClients {
  // Naming a project stops Application Default Credentials from looking one up, which runs
  // `gcloud config config-helper` when the CLI is installed (and writes ~/.config/gcloud).
  const settings: ClientOptions = { fallback: true, ...(opts.projectId ? { projectId: opts.projectId } : {}) };
  if (opts.apiEndpoint) {
    const u = new URL(opts.apiEndpoint.includes("://") ? opts.apiEndpoint : `https://${opts.apiEndpoint}`);
    // The port must be its own option: one inside apiEndpoint is overridden by 443.
    Object.assign(settings, { apiEndpoint: u.hostname, protocol: u.protocol.replace(":", ""), port: Number(u.port || (u.protocol === "http:" ? 80 : 443)) });
  }
  if (opts.authClient) settings.authClient = opts.authClient as unknown as ClientOptions["authClient"];
  return {
    networks: new NetworksClient(settings),
    subnetworks: new SubnetworksClient(settings),
    routes: new RoutesClient(settings),
    firewalls: new FirewallsClient(settings),
    instances: new InstancesClient(settings),
    forwardingRules: new ForwardingRulesClient(settings),
    globalForwardingRules: new GlobalForwardingRulesClient(settings),
    rest: gcpRest({
      ...(opts.authClient ? { authClient: opts.authClient } : {}),
      ...(opts.projectId ? { projectId: opts.projectId } : {}),
      ...(opts.sqlAdminEndpoint ? { sqlAdminEndpoint: opts.sqlAdminEndpoint } : {}),
      ...(opts.containerEndpoint ? { containerEndpoint: opts.containerEndpoint } : {}),
    }),
  };
}

interface GoogleError {
  code?: number | string;
  status?: number;
  message?: string;
  response?: { status?: number };
  errors?: Array<{ reason?: string }>;
}

function httpStatus(e: GoogleError): number | undefined {
  if (typeof e.code === "number" && e.code >= 100) return e.code;
  return e.response?.status ?? e.status;
}

function isThrottled(err: unknown): boolean {
  const e = err as GoogleError;
  return httpStatus(e) === 429 || e.code === 8 || /RESOURCE_EXHAUSTED|rateLimitExceeded|Quota exceeded/i.test(e.message ?? "");
}

function describeGcpError(err: unknown) {
  const e = err as GoogleError;
  const status = httpStatus(e);
  const denied = status === 403 || status === 401 || e.code === 7 || /PERMISSION_DENIED/.test(e.message ?? "");
  const kind = denied ? ("denied" as const) : isThrottled(err) ? ("throttled" as const) : ("failed" as const);
  const code = denied ? "PERMISSION_DENIED" : kind === "throttled" ? "RESOURCE_EXHAUSTED" : String(e.code ?? "Error");
  return { code: status ? `${code} (HTTP ${status})` : code, message: googleMessage(e.message ?? "unknown error").split("\n")[0] ?? "", kind, status };
}

/** The REST transport puts Google's JSON error body in the message: keep its `error.message`. */
function googleMessage(message: string): string {
  try {
    const body = JSON.parse(message) as { error?: { message?: unknown } };
    if (typeof body.error?.message === "string") return body.error.message;
  } catch {
    // not JSON: the message as is
  }
  return message;
}

/** Retries a whole list while it is throttled (the client itself does not retry 429). */
async function withBackoff<T>(fn: () => Promise<T>, attempts: number, baseMs: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isThrottled(err) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(60_000, baseMs * 2 ** attempt)));
    }
  }
}

/**
 * Reads every family in every project (aggregated lists cover all regions and zones), then
 * links firewalls to the instances they target. A denied (403) or throttled (429, after
 * retries with backoff) list is `skipped`/`partial` with the reason.
 */
export async function discoverGcp(opts: GcpDiscoveryOptions): Promise<Inventory> {
  const families = opts.families ?? GCP_FAMILIES;
  const clients = gcpClients({ ...opts, ...(opts.projects[0] ? { projectId: opts.projects[0] } : {}) });
  const started = Date.now();
  // One throttled progress line with running counts: a large organisation takes minutes.
  const progress = { calls: opts.projects.length * families.length, done: 0, items: 0 };
  try {
    const perProject = await Promise.all(
      opts.projects.map(async (project) => {
        const inv = emptyInventory();
        const reads = await Promise.all(
          families.map(async (family) => ({
            family,
            read: await readList(
              () => withBackoff(() => family.get(clients, project), opts.maxAttempts ?? 5, opts.baseDelayMs ?? 500),
              describeGcpError,
              { provider: "gcp", project, family: family.name },
              opts.log,
            ).then((read) => {
              progress.done++;
              progress.items += read.items.length;
              opts.log?.progress("gcp-discovery", { lists: `${progress.done}/${progress.calls}`, items: progress.items, seconds: (Date.now() - started) / 1000 });
              return read;
            }),
          })),
        );
        for (const { family, read } of reads) {
          const out = family.transform(read.items, { project });
          mergeInventory(inv, { ...out, coverage: [] });
          inv.coverage.push(coverageOf("gcp", project, "global", family.permissions[0]!, family.kinds, read, out.resources.length));
        }
        return inv;
      }),
    );
    const inv = perProject.reduce(mergeInventory, emptyInventory());
    // Shared VPC: instances of one project sit in another project's network, so link over all.
    linkGcp(inv.resources, inv.routes);
    logDiscoveryFinished(opts.log, "gcp", { projects: opts.projects }, inv, started);
    return inv;
  } finally {
    await Promise.all(Object.values(clients).map((c) => (c as { close(): Promise<void> }).close().catch(() => undefined)));
  }
}
