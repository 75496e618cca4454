import { sessions } from "../../db/schema/index.js";
import type { TenantDb } from "../../db/tenant-db.js";
import { mintSessionToken, sessionId, SESSION_TTL_MS } from "./token.js";

export interface NewSession {
  /** Goes into the HttpOnly cookie; shown only here. */
  token: string;
  expiresAt: string;
}

/** A session row for a user, as a statement to batch with whatever signed them in, and its token. */
export async function newSession(db: TenantDb, input: { userId: string; now: number }) {
  const token = mintSessionToken();
  const expiresAt = input.now + SESSION_TTL_MS;
  const statement = db.insert(sessions, { id: await sessionId(token), userId: input.userId, createdAt: input.now, expiresAt, lastSeenAt: input.now });
  return { statement, session: { token, expiresAt: new Date(expiresAt).toISOString() } satisfies NewSession };
}
