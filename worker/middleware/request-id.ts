import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../context.js";
import { randomId } from "../lib/crypto.js";

/** Every response carries `x-request-id`; a sane incoming one is kept so traces join up. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header("x-request-id");
  const id = incoming && /^[A-Za-z0-9._-]{8,64}$/.test(incoming) ? incoming : randomId("req_", 8);
  c.set("requestId", id);
  c.header("x-request-id", id);
  await next();
});
