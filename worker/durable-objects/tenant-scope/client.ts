import type { TenantScope } from "./object.js";

export type TenantScopeStub = DurableObjectStub<TenantScope>;

/** The only place a tenant id becomes a Durable Object: one object per tenant, by name. */
export function tenantScope(env: Pick<Env, "TENANT_SCOPE">, tenantId: string): TenantScopeStub {
  const ns = env.TENANT_SCOPE as DurableObjectNamespace<TenantScope>;
  return ns.get(ns.idFromName(tenantId));
}
