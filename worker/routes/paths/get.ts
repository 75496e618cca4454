import { Hono } from "hono";
import { z } from "zod";
import { Uid } from "../../../contract/index.js";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { findPath } from "../../services/paths/find.js";

export const PathQuery = z.object({
  from: Uid,
  to: Uid,
  port: z.coerce.number().int().min(0).max(65535).optional(),
  /** A name or an IANA number; omitted → any protocol (tcp when a port is given). */
  protocol: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^(tcp|udp|icmp|icmpv6|all|\d{1,3})$/, "tcp, udp, icmp, icmpv6, all or an IANA protocol number")
    .refine((p) => !/^\d+$/.test(p) || Number(p) <= 255, "an IANA protocol number is 0–255")
    .optional(),
});

/** GET /v1/paths?from=&to=&port=&protocol= — whether and how `from` reaches `to` over the configured network. */
export const getPathRoute = new Hono<AppEnv>().get("/", requireApiKey("admin", "read"), validate("query", PathQuery), async (c) => {
  return c.json(await findPath(c.get("svc"), c.req.valid("query")));
});
