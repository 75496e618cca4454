/**
 * `npm start`: the whole product on the embedded local default, no account, no network.
 * Applies D1 migrations, builds the web app, runs the API worker and the web worker in
 * `wrangler dev` (local D1/R2/Durable Objects under .wrangler/state; the web worker reaches
 * the API through its service binding), creates the demo tenant with a ready login, serves
 * the sample company's EC2 API and flow logs, runs the real collector once against them,
 * prints the scope, the web URL and the login, and keeps serving until Ctrl-C.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startEc2Server } from "../collector/sample-cloud/ec2-server.js";
import { northwindAccount } from "../collector/sample-cloud/company.js";
import { writeNorthwindFlowLogs } from "../collector/sample-cloud/flow-logs.js";
import { applyLocalMigrations, ensureDevVars, ROOT, startWranglerDev } from "./local/worker.js";
import { ensureDemoAccount } from "./local/demo-account.js";
import { buildWeb, startWebDev, type RunningWeb } from "./local/web.js";
import { runCollector } from "./local/collector.js";
import { printScope } from "./local/print.js";

const port = Number(process.env.PORT ?? 8787);
const webPort = Number(process.env.WEB_PORT ?? 8788);
const demoDir = join(ROOT, ".psg", "demo");
mkdirSync(demoDir, { recursive: true });

const say = (line: string) => process.stdout.write(`${line}\n`);
// Our own wrangler dev registry: the web worker's API binding must find this API worker, not
// another "pci-scope-guard-api" some other checkout runs on this machine.
process.env.WRANGLER_REGISTRY_PATH ??= join(ROOT, ".psg", "registry");

ensureDevVars();
say("▸ applying D1 migrations (local)");
await applyLocalMigrations();
say("▸ building the web app (SvelteKit, adapter-cloudflare)");
await buildWeb();
say(`▸ starting the API worker (wrangler dev, local D1/R2/Durable Objects) on :${port}`);
const worker = await startWranglerDev(port);
const api = worker.url;

let web: RunningWeb | undefined;
const stopAll = async (code: number) => {
  await ec2?.close().catch(() => undefined);
  web?.stop();
  worker.stop();
  process.exit(code);
};
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

let ec2: { url: string; close(): Promise<void> } | undefined;
try {
  say(`▸ starting the web app (wrangler dev, service binding to the API) on :${webPort}`);
  web = await startWebDev(webPort);
  const tenant = await ensureDemoAccount(api, join(demoDir, "account.json"));
  say(`▸ demo tenant ${tenant.tenantId} (${tenant.created ? "created" : "reused"}), owner ${tenant.email}`);

  ec2 = await startEc2Server({ accounts: [northwindAccount()] });
  say(`▸ sample cloud: Northwind Outfitters' EC2 API at ${ec2.url} (us-east-1, eu-west-1)`);
  const flowDir = join(demoDir, "flowlogs");
  const flowFile = writeNorthwindFlowLogs(flowDir, Math.floor(Date.now() / 1000));
  say(`▸ sample VPC flow logs (v2, gzip) at ${flowFile}`);

  say("▸ running the collector once (real AWS SDK → local EC2 API; signed batches → worker)");
  await runCollector({ api, apiKey: tenant.apiKey, ec2Url: ec2.url, flowDir, stateDir: join(demoDir, `collector-${tenant.tenantId}`) });

  await printScope(api, tenant.apiKey, say);
  say("");
  say(`Web app    ${web.url}`);
  say(`Log in     ${tenant.email}  /  ${tenant.password}   (owner, demo tenant)`);
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
