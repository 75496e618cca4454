import { eq } from "drizzle-orm";
import type { ServiceCtx } from "../../context.js";
import { apiKeys } from "../../db/schema/index.js";
import { ApiError } from "../../errors/index.js";
import { recordAudit } from "../audit/record.js";
import { apiKeyView, type ApiKeyView } from "./list.js";

/** A revoked key is refused from the next request on (middleware/api-key.ts). Revoking twice is a no-op. */
export async function revokeApiKey(ctx: ServiceCtx, input: { keyId: string }): Promise<ApiKeyView> {
  const row = await ctx.db.first(apiKeys, eq(apiKeys.id, input.keyId));
  if (!row) throw new ApiError("NOT_FOUND", `no API key ${input.keyId}`);
  if (row.revokedAt !== null) return apiKeyView(row);
  const now = ctx.now();
  await ctx.db.batch([
    ctx.db.update(apiKeys, { revokedAt: now }, eq(apiKeys.id, row.id)),
    recordAudit(ctx, { action: "api_key.revoke", target: row.id, detail: { name: row.name, prefix: row.prefix } }),
  ]);
  return apiKeyView({ ...row, revokedAt: now });
}
