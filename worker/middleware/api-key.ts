import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context.js";
import { openDatabase } from "../db/client.js";
import { eq } from "drizzle-orm";
import { apiKeys, type ApiKeyRole } from "../db/schema/index.js";
import { findApiKey } from "../db/unscoped.js";
import { ApiError } from "../errors/index.js";
import { sameDigest, sha256OfText } from "../lib/crypto.js";
import { parseApiKey } from "../services/api-keys/format.js";
import { isSessionToken } from "../services/sessions/token.js";
import { authenticateSession, keyRoleOf } from "./session.js";
import { setTenant, waitUntil } from "./tenant.js";

/** Don't write last_used_at more often than this: reads must not turn into D1 writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Bearer API key auth. No or bad key → 401 UNAUTHENTICATED; a valid key whose role is not in
 * `roles` → 403 FORBIDDEN. Sets the principal and the tenant's service context.
 */
export function requireApiKey(...roles: ApiKeyRole[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new ApiError("UNAUTHENTICATED", "send an API key as `Authorization: Bearer psg_…`");
    // The web app forwards its user's session token the same way: owners and admins act as
    // `admin`, analysts and viewers as `read` on every route guarded here.
    if (isSessionToken(match[1])) {
      const user = await authenticateSession(c, match[1]);
      if (!roles.includes(keyRoleOf(user.role))) throw new ApiError("FORBIDDEN", `your role (${user.role}) may not do this; ask an owner or admin`);
      return next();
    }
    const parsed = parseApiKey(match[1]);
    if (!parsed) throw new ApiError("UNAUTHENTICATED", "malformed API key");

    const db = openDatabase(c.env.DB);
    const key = await findApiKey(db, parsed.id);
    if (!key || !sameDigest(key.keyHash, await sha256OfText(parsed.token)) || key.revokedAt !== null) {
      throw new ApiError("UNAUTHENTICATED", "unknown or revoked API key");
    }
    if (!roles.includes(key.role)) throw new ApiError("FORBIDDEN", `this operation needs an API key with role ${roles.join(" or ")}`);

    const limit = await c.env.API_LIMITER.limit({ key: key.id });
    if (!limit.success) throw new ApiError("RATE_LIMITED", "too many requests for this API key", { headers: { "retry-after": "60" } });

    c.set("principal", { kind: "api_key", keyId: key.id, tenantId: key.tenantId, role: key.role });
    setTenant(c, key.tenantId, `apikey:${key.id}`);

    const now = Date.now();
    if (key.lastUsedAt === null || now - key.lastUsedAt > LAST_USED_RESOLUTION_MS) {
      const touch = c.get("svc").db.update(apiKeys, { lastUsedAt: now }, eq(apiKeys.id, key.id)).run().catch(() => undefined);
      waitUntil(c, touch);
    }
    await next();
  });
}
