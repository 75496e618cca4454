import { Hono } from "hono";
import { z } from "zod";
import { Uid } from "../../../contract/index.js";
import type { AppEnv } from "../../context.js";
import { ScopeParam } from "../../lib/query-params.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { setOverride } from "../../services/overrides/set.js";

export const SetOverrideRequest = z.object({
  uid: Uid,
  scope: ScopeParam,
  justification: z.string().trim().min(10).max(2000),
  expiresAt: z.iso.datetime().optional(),
});

/** POST /v1/overrides — creates or replaces the override of one resource; returns its new decision. */
export const createOverrideRoute = new Hono<AppEnv>().post("/", requireApiKey("admin"), validate("json", SetOverrideRequest), async (c) => {
  const input = c.req.valid("json");
  const decision = await setOverride(c.get("svc"), input);
  return c.json({ uid: input.uid, decision }, 201);
});
