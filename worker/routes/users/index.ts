import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { removeUserRoute } from "./delete.js";
import { listUsersRoute } from "./list.js";
import { changeRoleRoute } from "./update.js";

export const userRoutes = new Hono<AppEnv>().route("/", listUsersRoute).route("/", changeRoleRoute).route("/", removeUserRoute);
