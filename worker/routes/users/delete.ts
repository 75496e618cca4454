import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { currentUser, requireUser } from "../../middleware/session.js";
import { validate } from "../../middleware/validate.js";
import { removeUser } from "../../services/users/remove.js";
import { UserParams } from "./update.js";

/** DELETE /v1/users/:id — remove someone from the tenant and sign them out everywhere. */
export const removeUserRoute = new Hono<AppEnv>().delete("/:id", requireUser("owner", "admin"), validate("param", UserParams), async (c) => {
  const me = currentUser(c);
  await removeUser(c.get("svc"), { actorId: me.userId, actorRole: me.role, userId: c.req.valid("param").id });
  return c.body(null, 204);
});
