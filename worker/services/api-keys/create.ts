import type { ServiceCtx } from "../../context.js";
import { apiKeys, type ApiKeyRole } from "../../db/schema/index.js";
import { sha256OfText } from "../../lib/crypto.js";
import { recordAudit } from "../audit/record.js";
import { mintApiKey } from "./format.js";

export interface CreatedApiKey {
  id: string;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  /** Shown once; only its hash is kept. */
  apiKey: string;
  createdAt: string;
}

export async function createApiKey(ctx: ServiceCtx, input: { name: string; role: ApiKeyRole }): Promise<CreatedApiKey> {
  const key = mintApiKey();
  const now = ctx.now();
  await ctx.db.batch([
    ctx.db.insert(apiKeys, { id: key.id, name: input.name, role: input.role, keyHash: await sha256OfText(key.token), prefix: key.prefix, createdAt: now }),
    recordAudit(ctx, { action: "api_key.create", target: key.id, detail: { name: input.name, role: input.role } }),
  ]);
  return { id: key.id, name: input.name, role: input.role, prefix: key.prefix, apiKey: key.token, createdAt: new Date(now).toISOString() };
}
