import type { Database } from "../../db/client.js";
import { apiKeys } from "../../db/schema/index.js";
import { tenantDb } from "../../db/tenant-db.js";
import { insertTenant } from "../../db/unscoped.js";
import { randomId, sha256OfText } from "../../lib/crypto.js";
import { recordAudit } from "../audit/record.js";
import { mintApiKey } from "../api-keys/format.js";

export interface CreatedTenant {
  tenantId: string;
  name: string;
  apiKeyId: string;
  /** The first admin key; shown once. */
  apiKey: string;
}

/** Operator bootstrap: a tenant and its first admin API key. */
export async function createTenant(ctx: { db: Database; now: () => number }, input: { name: string }): Promise<CreatedTenant> {
  const tenantId = randomId("tnt_");
  const now = ctx.now();
  await insertTenant(ctx.db, { id: tenantId, name: input.name, createdAt: now });
  const key = mintApiKey();
  const db = tenantDb(ctx.db, tenantId);
  await db.batch([
    db.insert(apiKeys, { id: key.id, name: "first admin key", role: "admin", keyHash: await sha256OfText(key.token), prefix: key.prefix, createdAt: now }),
    recordAudit({ db, actor: "operator", now: ctx.now }, { action: "tenant.create", target: tenantId, detail: { name: input.name, apiKeyId: key.id } }),
  ]);
  return { tenantId, name: input.name, apiKeyId: key.id, apiKey: key.token };
}
