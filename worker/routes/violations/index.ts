import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { acknowledgeViolationRoute } from "./acknowledge.js";
import { listViolationsRoute } from "./list.js";
import { resolveViolationRoute } from "./resolve.js";

export const violationRoutes = new Hono<AppEnv>().route("/", listViolationsRoute).route("/", acknowledgeViolationRoute).route("/", resolveViolationRoute);
