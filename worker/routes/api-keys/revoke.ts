import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../context.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { revokeApiKey } from "../../services/api-keys/revoke.js";

const Params = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, "an API key id is 16 hex digits (the part after psg_ in its prefix)") });

/** POST /v1/api-keys/:id/revoke — idempotent; the key stops working at once. */
export const revokeApiKeyRoute = new Hono<AppEnv>().post("/:id/revoke", requireApiKey("admin"), validate("param", Params), async (c) => {
  return c.json(await revokeApiKey(c.get("svc"), { keyId: c.req.valid("param").id }));
});
