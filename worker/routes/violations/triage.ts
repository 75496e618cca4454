import { createMiddleware } from "hono/factory";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { ApiError } from "../../errors/index.js";

export const ViolationParams = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, "a violation id (16 hex digits)") });
export const StatusRequest = z.object({ comment: z.string().trim().min(3).max(2000) });

/**
 * Who may acknowledge or resolve violations: admin API keys, and people who are owners,
 * admins or analysts (triage is the analyst's job; viewers only look). Runs after
 * `requireApiKey("admin", "read")`, which maps analysts to `read`.
 */
export const requireTriage = createMiddleware<AppEnv>(async (c, next) => {
  const p = c.get("principal");
  const allowed = p.kind === "api_key" ? p.role === "admin" : p.kind === "user" ? p.role !== "viewer" : false;
  if (!allowed) throw new ApiError("FORBIDDEN", p.kind === "user" ? `your role (${p.role}) may not triage violations; ask an analyst, admin or owner` : "this operation needs an API key with role admin");
  await next();
});
