import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { USER_ROLES } from "../../db/schema/index.js";
import { currentUser, requireUser } from "../../middleware/session.js";
import { validate } from "../../middleware/validate.js";
import { changeRole } from "../../services/users/change-role.js";

export const UserParams = z.object({ id: z.string().min(1).max(64) });
export const ChangeRoleRequest = z.object({ role: z.enum(USER_ROLES) });

/** PATCH /v1/users/:id — change someone's role (owner, admin; only owners touch "owner"). */
export const changeRoleRoute = new Hono<AppEnv>().patch(
  "/:id",
  requireUser("owner", "admin"),
  validate("param", UserParams),
  validate("json", ChangeRoleRequest),
  async (c) => {
    const me = currentUser(c);
    return c.json(await changeRole(c.get("svc"), { actorId: me.userId, actorRole: me.role, userId: c.req.valid("param").id, role: c.req.valid("json").role }));
  },
);
