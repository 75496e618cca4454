import type { TenantDb } from "./db/tenant-db.js";
import type { ApiKeyRole, CollectorRow, UserRole } from "./db/schema/index.js";
import type { TenantScopeStub } from "./durable-objects/tenant-scope/client.js";

/** Who is calling, as established by one of the auth middlewares. */
export type Principal =
  | { kind: "api_key"; keyId: string; tenantId: string; role: ApiKeyRole }
  | { kind: "collector"; collectorId: string; tenantId: string }
  /** A person signed in to the web app; `sessionId` is the hash of their session token. */
  | { kind: "user"; userId: string; tenantId: string; role: UserRole; sessionId: string };

/**
 * What services get: the tenant's database view, its Durable Object and a clock. Made once
 * per request by middleware, never imported, so tests can hand in their own.
 */
export interface ServiceCtx {
  tenantId: string;
  db: TenantDb;
  scope: TenantScopeStub;
  /** `apikey:<id>`, `collector:<id>`, `operator`: who audit rows name. */
  actor: string;
  now: () => number;
}

/** A batch whose signature, collector and timestamp checked out, with its exact bytes. */
export interface VerifiedIngest {
  collector: CollectorRow;
  seq: number;
  timestampMs: number;
  body: Uint8Array;
  sha256: string;
}

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    principal: Principal;
    svc: ServiceCtx;
    ingest: VerifiedIngest;
  };
};
