/**
 * Operator tool: create a tenant and its first admin API key.
 *   npm run tenant:create -- --name "Acme Ltd" [--api http://127.0.0.1:8787]
 * The operator token comes from OPERATOR_TOKEN or, locally, from .dev.vars.
 */
import { Command } from "commander";
import { createTenant } from "./local/tenant.js";
import { ensureDevVars } from "./local/worker.js";

const program = new Command()
  .name("tenant:create")
  .requiredOption("--name <name>", "the tenant's display name")
  .option("--api <url>", "API worker base URL", process.env.PSG_API_URL ?? "http://127.0.0.1:8787")
  .parse();

const { name, api } = program.opts<{ name: string; api: string }>();
const operatorToken = process.env.OPERATOR_TOKEN ?? ensureDevVars();
const created = await createTenant(api, operatorToken, name);
process.stdout.write(`tenant   ${created.tenantId}\napi key  ${created.apiKey}   (admin; shown once — store it now)\n`);
