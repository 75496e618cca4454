import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { getResourceRoute } from "./get.js";
import { listResourcesRoute } from "./list.js";

export const resourceRoutes = new Hono<AppEnv>().route("/", listResourcesRoute).route("/", getResourceRoute);
