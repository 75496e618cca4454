import { Hono } from "hono";
import { z } from "zod";
import { Provider } from "../../../contract/index.js";
import type { AppEnv } from "../../context.js";
import { ScopeParam } from "../../lib/query-params.js";
import { requireApiKey } from "../../middleware/api-key.js";
import { validate } from "../../middleware/validate.js";
import { exportResponse } from "../../services/exports/export.js";

export const InventoryExportQuery = z.object({
  scope: z.union([ScopeParam, z.literal("unclassified")]).optional(),
  provider: Provider.optional(),
  account: z.string().min(1).max(128).optional(),
});

/** An ISO 8601 time or unix ms. */
export const FindingsExportQuery = z.object({
  since: z
    .union([z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)), z.string().regex(/^\d{1,15}$/, "an ISO 8601 time or unix ms").transform(Number)])
    .optional(),
});

/**
 * /v1/exports — whole-tenant downloads for spreadsheets and SIEMs, streamed page by page from
 * the tenant's object: the inventory with decisions (CSV, JSON with full reasons) and findings
 * (violations and scope changes) as OCSF Detection Finding JSON lines or CEF.
 */
export const exportRoutes = new Hono<AppEnv>()
  .get("/inventory.csv", requireApiKey("admin", "read"), validate("query", InventoryExportQuery), (c) => exportResponse(c.get("svc"), "inventory.csv", c.req.valid("query")))
  .get("/inventory.json", requireApiKey("admin", "read"), validate("query", InventoryExportQuery), (c) => exportResponse(c.get("svc"), "inventory.json", c.req.valid("query")))
  .get("/findings.ocsf.jsonl", requireApiKey("admin", "read"), validate("query", FindingsExportQuery), (c) => exportResponse(c.get("svc"), "findings.ocsf.jsonl", c.req.valid("query")))
  .get("/findings.cef", requireApiKey("admin", "read"), validate("query", FindingsExportQuery), (c) => exportResponse(c.get("svc"), "findings.cef", c.req.valid("query")));
