import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { eq } from "drizzle-orm";
import type { AppEnv } from "../context.js";
import { openDatabase } from "../db/client.js";
import { sessions, type UserRole } from "../db/schema/index.js";
import { ApiError } from "../errors/index.js";
import { findLiveSession } from "../services/sessions/lookup.js";
import { isSessionToken, sessionId } from "../services/sessions/token.js";
import { setTenant, waitUntil } from "./tenant.js";

/** Don't write last_seen_at more often than this: page loads must not turn into D1 writes. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

export { keyRoleOf } from "../services/users/view.js";

/**
 * Validates a session token (`Authorization: Bearer psgs_…`, sent by the web app over its
 * service binding): the hash must name a live session. Sets the principal and the tenant the
 * same way API keys do. Unknown or expired → 401.
 */
export async function authenticateSession(c: Context<AppEnv>, token: string) {
  const id = await sessionId(token);
  const now = Date.now();
  const found = await findLiveSession(openDatabase(c.env.DB), id, now);
  if (!found) throw new ApiError("UNAUTHENTICATED", "your session expired or was signed out; sign in again");
  const { user } = found;

  const limit = await c.env.API_LIMITER.limit({ key: `user:${user.id}` });
  if (!limit.success) throw new ApiError("RATE_LIMITED", "too many requests for this user", { headers: { "retry-after": "60" } });

  c.set("principal", { kind: "user", userId: user.id, tenantId: user.tenantId, role: user.role, sessionId: id });
  setTenant(c, user.tenantId, `user:${user.id}`);
  if (now - found.session.lastSeenAt > LAST_SEEN_RESOLUTION_MS) {
    waitUntil(c, c.get("svc").db.update(sessions, { lastSeenAt: now }, eq(sessions.id, id)).run().catch(() => undefined));
  }
  return { ...user, tenantName: found.tenantName, session: found.session };
}

/** Routes only a signed-in person may call (their account, their tenant's people), by role. */
export function requireUser(...roles: UserRole[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
    if (!token || !isSessionToken(token)) throw new ApiError("UNAUTHENTICATED", "sign in to the web app; this route takes a session, not an API key");
    const user = await authenticateSession(c, token);
    if (roles.length > 0 && !roles.includes(user.role)) throw new ApiError("FORBIDDEN", `your role (${user.role}) may not do this; ask an owner or admin`);
    await next();
  });
}

/** The signed-in user of a route behind `requireUser`. */
export function currentUser(c: Context<AppEnv>) {
  const p = c.get("principal");
  if (p.kind !== "user") throw new ApiError("UNAUTHENTICATED", "sign in to the web app");
  return p;
}
