import { type AuthClient, GoogleAuth } from "google-auth-library";

/**
 * Cloud SQL Admin and GKE have no client in the collector: their list calls are two GETs,
 * made with google-auth-library (the same credentials as the Compute clients) against
 * endpoints that are configuration, so private / restricted Google access and Private
 * Service Connect names work as for Compute.
 */
export const SQLADMIN_ENDPOINT = "https://sqladmin.googleapis.com";
export const CONTAINER_ENDPOINT = "https://container.googleapis.com";

export interface GcpRestOptions {
  authClient?: AuthClient;
  /** Any project the collector reads: saves Application Default Credentials from looking one up. */
  projectId?: string;
  sqlAdminEndpoint?: string;
  containerEndpoint?: string;
}

export interface GcpRest {
  /** GET `<endpoint of service>/<path>` with query, answering the JSON body. */
  get<T>(service: "sqladmin" | "container", path: string, query?: Record<string, string>): Promise<T>;
  close(): Promise<void>;
}

/** Google's error, shaped as the Compute clients' errors are (`code` = HTTP status) so one describer serves both. */
export class GcpRestError extends Error {
  override name = "GcpRestError";
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface Requester {
  request<T>(opts: { url: string; method: "GET"; responseType: "json"; retry: boolean }): Promise<{ data: T }>;
}

export function gcpRest(opts: GcpRestOptions): GcpRest {
  const client: Requester = (opts.authClient ?? new GoogleAuth({ scopes: ["https://www.googleapis.com/auth/cloud-platform"], ...(opts.projectId ? { projectId: opts.projectId } : {}) })) as unknown as Requester;
  const base = {
    sqladmin: withScheme(opts.sqlAdminEndpoint ?? SQLADMIN_ENDPOINT),
    container: withScheme(opts.containerEndpoint ?? CONTAINER_ENDPOINT),
  };
  return {
    async get<T>(service: "sqladmin" | "container", path: string, query: Record<string, string> = {}) {
      const url = new URL(path, base[service]);
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      try {
        return (await client.request<T>({ url: url.toString(), method: "GET", responseType: "json", retry: false })).data;
      } catch (err) {
        const e = err as { status?: number; response?: { status?: number; data?: unknown }; message?: string };
        const status = e.response?.status ?? e.status;
        if (!status) throw err;
        const body = e.response?.data as { error?: { message?: unknown } } | string | undefined;
        const message = typeof body === "object" && typeof body?.error?.message === "string" ? body.error.message : (e.message ?? `HTTP ${status}`);
        throw new GcpRestError(status, message);
      }
    },
    close: async () => {},
  };
}

/** `host[:port]` or a URL → a base URL ending in "/" (paths are relative to it). */
function withScheme(endpoint: string): string {
  const u = endpoint.includes("://") ? endpoint : `https://${endpoint}`;
  return u.endsWith("/") ? u : `${u}/`;
}
