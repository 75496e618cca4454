import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { createShareLinkRoute } from "./create.js";
import { listShareLinksRoute } from "./list.js";
import { revokeShareLinkRoute } from "./revoke.js";

export const shareLinkRoutes = new Hono<AppEnv>().route("/", createShareLinkRoute).route("/", listShareLinksRoute).route("/", revokeShareLinkRoute);
