import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../context.js";
import { ApiError } from "../../errors/index.js";
import { isShareToken } from "../../services/share-links/grants.js";

export const shareTokenGuard = createMiddleware<AppEnv>(async (c, next) => {
  const token = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
  if (token && isShareToken(token) && !c.req.path.startsWith("/v1/share/") && c.req.path !== "/v1/share" && !c.req.path.startsWith("/.well-known/")) {
    throw new ApiError("FORBIDDEN", "a share link opens only the auditor views under /v1/share");
  }
  await next();
});
