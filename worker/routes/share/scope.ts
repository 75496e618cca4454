import { Hono } from "hono";
import { z } from "zod";
import { Uid } from "../../../contract/index.js";
import type { AppEnv } from "../../context.js";
import { validate } from "../../middleware/validate.js";
import { getResource } from "../../services/resources/get.js";
import { listResources } from "../../services/resources/list.js";
import { getScopeSummary } from "../../services/scope/summary.js";
import { ListResourcesQuery } from "../resources/list.js";
import { requireGrant } from "./auth.js";

/** The read-only scope views a link with `grants.scope` opens: summary, inventory, one resource with its reasons. */
export const shareScopeRoutes = new Hono<AppEnv>()
  .get("/scope/summary", async (c) => {
    requireGrant(c, "scope");
    return c.json(await getScopeSummary(c.get("svc")));
  })
  .get("/resources", validate("query", ListResourcesQuery), async (c) => {
    requireGrant(c, "scope");
    return c.json(await listResources(c.get("svc"), c.req.valid("query")));
  })
  .get("/resources/:uid", validate("param", z.object({ uid: Uid })), async (c) => {
    requireGrant(c, "scope");
    return c.json(await getResource(c.get("svc"), { uid: c.req.valid("param").uid, topFlows: 20 }));
  });
