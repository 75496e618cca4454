import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { currentSessionRoute } from "./current.js";
import { deleteSessionRoute } from "./delete.js";

export const sessionRoutes = new Hono<AppEnv>().route("/", currentSessionRoute).route("/", deleteSessionRoute);
