import { eq } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { users } from "../../db/schema/index.js";
import { tenantDb } from "../../db/tenant-db.js";
import { ApiError } from "../../errors/index.js";
import { recordAudit } from "../audit/record.js";
import { DUMMY_HASH, verifyPassword } from "../users/password.js";
import { newSession, type NewSession } from "./create.js";
import { findUserByEmail } from "./lookup.js";
import { checkLoginAllowed, clearLoginFailures, recordLoginFailure } from "./rate-limit.js";

/** E-mail + password → a new session. Wrong address and wrong password look the same. */
export async function login(
  ctx: { db: Database; now: () => number },
  input: { email: string; password: string; client?: string | undefined },
): Promise<NewSession & { userId: string; tenantId: string }> {
  const email = input.email.toLowerCase();
  const now = ctx.now();
  await checkLoginAllowed(ctx.db, email, input.client, now);
  const user = await findUserByEmail(ctx.db, email);
  const stored = user ? { hash: user.passwordHash, salt: user.passwordSalt, iterations: user.passwordIterations } : DUMMY_HASH;
  const ok = (await verifyPassword(input.password, stored)) && user !== undefined;
  if (!ok || !user) {
    await recordLoginFailure(ctx.db, email, input.client, now);
    throw new ApiError("UNAUTHENTICATED", "wrong e-mail address or password");
  }
  await clearLoginFailures(ctx.db, email);
  const db = tenantDb(ctx.db, user.tenantId);
  const { statement, session } = await newSession(db, { userId: user.id, now });
  await db.batch([
    statement,
    db.update(users, { lastLoginAt: now }, eq(users.id, user.id)),
    recordAudit({ db, actor: `user:${user.id}`, now: ctx.now }, { action: "session.create", target: user.id }),
  ]);
  return { ...session, userId: user.id, tenantId: user.tenantId };
}
