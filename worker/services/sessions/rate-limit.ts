import { and, count, eq, gt, inArray, lt, or } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { loginFailures } from "../../db/schema/index.js";
import { ApiError } from "../../errors/index.js";

/** Failed sign-ins allowed per window: per address tried, and per client address. */
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_EMAIL = 8;
export const MAX_FAILURES_PER_CLIENT = 40;

function keys(email: string, client: string | undefined) {
  return { email: `email:${email}`, client: client ? `ip:${client}` : undefined };
}

/** Throws 429 RATE_LIMITED when either the address or the client failed too often lately. */
export async function checkLoginAllowed(db: Database, email: string, client: string | undefined, now: number): Promise<void> {
  const k = keys(email, client);
  const since = now - LOGIN_WINDOW_MS;
  const rows = await db
    .select({ key: loginFailures.key, n: count() })
    .from(loginFailures)
    .where(and(inArray(loginFailures.key, [k.email, ...(k.client ? [k.client] : [])]), gt(loginFailures.at, since)))
    .groupBy(loginFailures.key);
  const of = (key: string | undefined) => rows.find((r) => r.key === key)?.n ?? 0;
  if (of(k.email) >= MAX_FAILURES_PER_EMAIL || of(k.client) >= MAX_FAILURES_PER_CLIENT) {
    throw new ApiError("RATE_LIMITED", "too many failed sign-ins; wait 15 minutes and try again", { headers: { "retry-after": String(LOGIN_WINDOW_MS / 1000) } });
  }
}

export async function recordLoginFailure(db: Database, email: string, client: string | undefined, now: number): Promise<void> {
  const k = keys(email, client);
  await db.batch([
    db.insert(loginFailures).values([{ key: k.email, at: now }, ...(k.client ? [{ key: k.client, at: now }] : [])]),
    // Keep the table small: what is outside every window counts for nothing.
    db.delete(loginFailures).where(and(or(eq(loginFailures.key, k.email), eq(loginFailures.key, k.client ?? k.email)), lt(loginFailures.at, now - LOGIN_WINDOW_MS))),
  ]);
}

export async function clearLoginFailures(db: Database, email: string): Promise<void> {
  await db.delete(loginFailures).where(eq(loginFailures.key, keys(email, undefined).email));
}
