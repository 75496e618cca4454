import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { acceptInviteRoutes } from "./accept.js";
import { createInviteRoute } from "./create.js";
import { listInvitesRoute } from "./list.js";
import { revokeInviteRoute } from "./revoke.js";

export const inviteRoutes = new Hono<AppEnv>().route("/", acceptInviteRoutes).route("/", createInviteRoute).route("/", listInvitesRoute).route("/", revokeInviteRoute);
