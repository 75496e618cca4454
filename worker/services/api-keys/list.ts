import { asc } from "drizzle-orm";
import type { ServiceCtx } from "../../context.js";
import { apiKeys, type ApiKeyRow } from "../../db/schema/index.js";

/** What a list shows of a key: never its hash, only the prefix that recognises it. */
export interface ApiKeyView {
  id: string;
  name: string;
  role: ApiKeyRow["role"];
  prefix: string;
  createdAt: string;
  /** Updated at most once a minute (middleware/api-key.ts). */
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function apiKeyView(row: ApiKeyRow): ApiKeyView {
  return { id: row.id, name: row.name, role: row.role, prefix: row.prefix, createdAt: new Date(row.createdAt).toISOString(), lastUsedAt: iso(row.lastUsedAt), revokedAt: iso(row.revokedAt) };
}

/** The tenant's keys, oldest first, revoked ones included (they say when). */
export async function listApiKeys(ctx: ServiceCtx): Promise<ApiKeyView[]> {
  const rows = await ctx.db.select(apiKeys, { orderBy: [asc(apiKeys.createdAt), asc(apiKeys.id)] });
  return rows.map(apiKeyView);
}
