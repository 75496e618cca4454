import type { Context } from "hono";
import type { AppEnv, ServiceCtx } from "../context.js";
import { openDatabase } from "../db/client.js";
import { tenantDb } from "../db/tenant-db.js";
import { tenantScope } from "../durable-objects/tenant-scope/client.js";

/** Builds the per-request service context once the caller's tenant is known. */
export function makeServiceCtx(env: Env, tenantId: string, actor: string): ServiceCtx {
  return {
    tenantId,
    db: tenantDb(openDatabase(env.DB), tenantId),
    scope: tenantScope(env, tenantId),
    actor,
    now: () => Date.now(),
  };
}

export function setTenant(c: Context<AppEnv>, tenantId: string, actor: string): void {
  c.set("svc", makeServiceCtx(c.env, tenantId, actor));
}

/** Background work that must not delay the response (falls back to awaiting it without a ctx). */
export function waitUntil(c: Context<AppEnv>, work: Promise<unknown>): void {
  let ctx: { waitUntil(p: Promise<unknown>): void } | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    ctx = undefined;
  }
  if (ctx) ctx.waitUntil(work);
}
