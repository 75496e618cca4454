import { Hono } from "hono";
import type { AppEnv } from "../../context.js";
import { createApiKeyRoute } from "./create.js";
import { listApiKeysRoute } from "./list.js";
import { revokeApiKeyRoute } from "./revoke.js";

export const apiKeyRoutes = new Hono<AppEnv>().route("/", createApiKeyRoute).route("/", listApiKeysRoute).route("/", revokeApiKeyRoute);
