import type { Database } from "../../db/client.js";
import { users } from "../../db/schema/index.js";
import { tenantDb } from "../../db/tenant-db.js";
import { insertTenant } from "../../db/unscoped.js";
import { ApiError } from "../../errors/index.js";
import { randomId } from "../../lib/crypto.js";
import { recordAudit } from "../audit/record.js";
import { newSession, type NewSession } from "../sessions/create.js";
import { findUserByEmail } from "../sessions/lookup.js";
import { hashPassword } from "./password.js";
import { userView, type UserView } from "./view.js";

export interface SignedUp extends NewSession {
  tenant: { id: string; name: string };
  user: UserView;
}

/** Sign-up: a new tenant, its owner, and the owner's first session. */
export async function signUp(
  ctx: { db: Database; now: () => number },
  input: { tenantName: string; name: string; email: string; password: string },
): Promise<SignedUp> {
  const email = input.email.toLowerCase();
  if (await findUserByEmail(ctx.db, email)) throw new ApiError("EMAIL_TAKEN", "an account with this e-mail address exists; sign in instead");
  const now = ctx.now();
  const tenantId = randomId("tnt_");
  const password = await hashPassword(input.password);
  const row = {
    id: randomId("usr_"),
    email,
    name: input.name,
    role: "owner" as const,
    passwordHash: password.hash,
    passwordSalt: password.salt,
    passwordIterations: password.iterations,
    createdAt: now,
    lastLoginAt: now,
  };
  await insertTenant(ctx.db, { id: tenantId, name: input.tenantName, createdAt: now });
  const db = tenantDb(ctx.db, tenantId);
  const { statement, session } = await newSession(db, { userId: row.id, now });
  try {
    await db.batch([
      db.insert(users, row),
      statement,
      recordAudit({ db, actor: `user:${row.id}`, now: ctx.now }, { action: "tenant.signup", target: tenantId, detail: { name: input.tenantName, owner: email } }),
    ]);
  } catch (error) {
    // Two sign-ups racing for one address: the unique index decides; the empty tenant stays unused.
    if (String(error).includes("UNIQUE")) throw new ApiError("EMAIL_TAKEN", "an account with this e-mail address exists; sign in instead");
    throw error;
  }
  return { ...session, tenant: { id: tenantId, name: input.tenantName }, user: userView({ ...row, tenantId }) };
}
