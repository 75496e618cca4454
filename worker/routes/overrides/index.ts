import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { createOverrideRoute } from "./create.js";
import { deleteOverrideRoute } from "./delete.js";

export const overrideRoutes = new Hono<AppEnv>().route("/", createOverrideRoute).route("/", deleteOverrideRoute);
