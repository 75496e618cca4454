import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../context.js";
import type { ShareLinkRow } from "../../db/schema/index.js";
import { shareLinkAccess, shareLinks } from "../../db/schema/index.js";
import { eq } from "drizzle-orm";
import { ApiError } from "../../errors/index.js";
import { randomId } from "../../lib/crypto.js";
import { setTenant } from "../../middleware/tenant.js";
import { assertUsable, findShareLink } from "../../services/share-links/authenticate.js";
import { isShareToken, type ShareGrants } from "../../services/share-links/grants.js";

const links = new WeakMap<Request, { row: ShareLinkRow; grants: ShareGrants }>();

/** The link of a request that passed `requireShareLink`. */
export function currentLink(c: Context<AppEnv>) {
  const l = links.get(c.req.raw);
  if (!l) throw new ApiError("UNAUTHENTICATED", "send the share link token as `Authorization: Bearer psgl_…`");
  return l;
}

export function requireGrant(c: Context<AppEnv>, what: "scope" | "evidence"): ShareGrants {
  const { grants } = currentLink(c);
  if (what === "scope" ? !grants.scope : grants.evidence === "none") throw new ApiError("FORBIDDEN", `this share link does not grant ${what === "scope" ? "scope views" : "evidence"}`);
  return grants;
}

/**
 * Share-link auth for /v1/share/*: the bearer must be a live link. Every request made with a
 * known link — allowed or not, expired or revoked — is logged (when, what, from where) for the
 * tenant's admins. The service ctx acts as `share:<id>` and is only ever given read routes.
 */
export const requireShareLink = createMiddleware<AppEnv>(async (c, next) => {
  const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  if (!token || !isShareToken(token)) throw new ApiError("UNAUTHENTICATED", "send the share link token as `Authorization: Bearer psgl_…`");
  const row = await findShareLink(c.env.DB, token);
  const now = Date.now();
  if (row) setTenant(c, row.tenantId, `share:${row.id}`);
  let status = 500;
  try {
    assertUsable(row, now);
    const limit = await c.env.API_LIMITER.limit({ key: `share:${row.id}` });
    if (!limit.success) throw new ApiError("RATE_LIMITED", "too many requests for this share link", { headers: { "retry-after": "60" } });
    links.set(c.req.raw, { row, grants: JSON.parse(row.grants) as ShareGrants });
    await next();
    status = c.res.status;
  } catch (err) {
    if (err instanceof ApiError) status = err.status;
    throw err;
  } finally {
    // Awaited, not deferred: an access that is not logged must not have happened.
    if (row) await logAccess(c, row, now, status);
  }
});

async function logAccess(c: Context<AppEnv>, row: ShareLinkRow, now: number, status: number): Promise<void> {
  const svc = c.get("svc");
  const url = new URL(c.req.url);
  await svc.db.batch([
    svc.db.insert(shareLinkAccess, {
      id: randomId("sla_"),
      linkId: row.id,
      at: now,
      method: c.req.method,
      path: url.pathname + url.search,
      status,
      ip: c.req.header("cf-connecting-ip") ?? c.req.header("x-forwarded-for") ?? null,
      country: c.req.header("cf-ipcountry") ?? null,
      userAgent: c.req.header("user-agent")?.slice(0, 300) ?? null,
    }),
    svc.db.update(shareLinks, { lastAccessAt: now }, eq(shareLinks.id, row.id)),
  ]);
}
