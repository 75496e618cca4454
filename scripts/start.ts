/**
 * `npm start`: the whole product on the embedded local default, no account, no network.
 * Applies D1 migrations, runs the API worker in `wrangler dev` (local D1/R2/Durable
 * Objects under .wrangler/state), creates the demo tenant, serves the sample company's
 * EC2 API and flow logs, runs the real collector once against them, prints the scope, and
 * keeps serving until Ctrl-C.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startEc2Server } from "../collector/sample-cloud/ec2-server.js";
import { northwindAccount } from "../collector/sample-cloud/company.js";
import { writeNorthwindFlowLogs } from "../collector/sample-cloud/flow-logs.js";
import { applyLocalMigrations, ensureDevVars, ROOT, startWranglerDev } from "./local/worker.js";
import { ensureDemoTenant } from "./local/tenant.js";
import { runCollector } from "./local/collector.js";
import { printScope } from "./local/print.js";

const port = Number(process.env.PORT ?? 8787);
const demoDir = join(ROOT, ".psg", "demo");
mkdirSync(demoDir, { recursive: true });

const say = (line: string) => process.stdout.write(`${line}\n`);

const operatorToken = ensureDevVars();
say("▸ applying D1 migrations (local)");
await applyLocalMigrations();
say(`▸ starting the API worker (wrangler dev, local D1/R2/Durable Objects) on :${port}`);
const worker = await startWranglerDev(port);
const api = worker.url;

const stopAll = async (code: number) => {
  await ec2?.close().catch(() => undefined);
  worker.stop();
  process.exit(code);
};
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

let ec2: { url: string; close(): Promise<void> } | undefined;
try {
  const tenant = await ensureDemoTenant(api, operatorToken, join(demoDir, "tenant.json"));
  say(`▸ demo tenant ${tenant.tenantId} (${tenant.created ? "created" : "reused"})`);

  ec2 = await startEc2Server({ accounts: [northwindAccount()] });
  say(`▸ sample cloud: Northwind Outfitters' EC2 API at ${ec2.url} (us-east-1, eu-west-1)`);
  const flowDir = join(demoDir, "flowlogs");
  const flowFile = writeNorthwindFlowLogs(flowDir, Math.floor(Date.now() / 1000));
  say(`▸ sample VPC flow logs (v2, gzip) at ${flowFile}`);

  say("▸ running the collector once (real AWS SDK → local EC2 API; signed batches → worker)");
  await runCollector({ api, apiKey: tenant.apiKey, ec2Url: ec2.url, flowDir, stateDir: join(demoDir, "collector") });

  await printScope(api, tenant.apiKey, say);
  say("");
  say(`API        ${api}`);
  say(`API key    ${tenant.apiKey}   (admin, demo tenant)`);
  say(`Try        curl -H "authorization: Bearer ${tenant.apiKey}" ${api}/v1/scope/summary`);
  say(`           curl -H "authorization: Bearer ${tenant.apiKey}" "${api}/v1/resources?scope=cde"`);
  say("");
  say("Running. Ctrl-C to stop.");
} catch (error) {
  process.stderr.write(`\nnpm start failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopAll(1);
}
