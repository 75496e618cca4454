/**
 * Evidence generation in the Worker (DESIGN §7): `wrangler dev` (local workerd) with a
 * throw-away --persist-to, a tenant whose inventory arrives through signed POST /v1/ingest,
 * then POST /v1/evidence timed from outside. That wall time is the whole product path: the
 * Durable Object reads (listDecisions pages, the CDE components' rules, violations, boundary
 * flows), building, JCS + SHA-256 + ES256, the R2 puts and the D1 batch. workerd's clock does
 * not advance during pure computation, so the parts cannot be timed from inside; the
 * in-process figures of bench/evidence.ts split the CPU part.
 *
 *   npx tsx bench/evidence-worker.ts [resources]      (default 10,000)
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toBase64Url } from "../contract/index.js";
import { inventoryParts } from "../collector/src/emit/batcher.js";
import { signBatch } from "../collector/src/emit/signer.js";
import { freePort } from "../scripts/local/free-port.js";
import { createEnrollmentToken, createTenant } from "../scripts/local/tenant.js";
import { applyLocalMigrations, startWranglerDev } from "../scripts/local/worker.js";
import { buildTenant } from "./classify.js";

export interface EvidenceWorkerResult {
  resources: number;
  /** POST /v1/evidence {kinds: ["scope_snapshot"]}, each run. */
  snapshotMs: number[];
  snapshotBytes: number;
  /** POST /v1/evidence (every generated kind), each run. */
  allKindsMs: number[];
  /** POST /v1/evidence/package of the latest artifacts. */
  packageMs: number;
}

const progress = (s: string) => process.stderr.write(`  [evidence-worker] ${s}\n`);

async function json(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (!res.ok) throw new Error(`${what} failed (${res.status}): ${text.slice(0, 500)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

export async function benchEvidenceWorker(n: number, runs = 5): Promise<EvidenceWorkerResult> {
  const tenant = buildTenant({ resources: n, edges: 0 });
  const persistTo = mkdtempSync(join(tmpdir(), "psg-evidence-bench-"));
  const operatorToken = toBase64Url(crypto.getRandomValues(new Uint8Array(24)));
  await applyLocalMigrations(persistTo);
  const worker = await startWranglerDev(await freePort(), {
    persistTo,
    vars: { OPERATOR_TOKEN: operatorToken, EVIDENCE_KEY_SECRET: toBase64Url(crypto.getRandomValues(new Uint8Array(32))) },
  });
  try {
    const api = worker.url;
    const { apiKey } = await createTenant(api, operatorToken, `evidence bench ${n}`);
    const auth = { authorization: `Bearer ${apiKey}`, "content-type": "application/json" };
    const token = await createEnrollmentToken(api, apiKey);
    const { secretKey, publicKey } = ed25519.keygen();
    const enrolled = await json(
      await fetch(`${api}/v1/collectors/enroll`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token, publicKey: toBase64Url(publicKey), name: "bench", version: "bench" }) }),
      "enroll",
    );
    const collectorId = enrolled.collectorId as string;
    let seq = enrolled.nextSeq as number;
    const coverage = [...new Set(tenant.resources.map((r) => `${r.account} ${r.region}`))].map((k) => {
      const [account, region] = k.split(" ") as [string, string];
      return { provider: "aws" as const, account, region, service: "bench", kinds: [...new Set(tenant.resources.map((r) => r.kind))], status: "ok" as const };
    });
    for (const part of inventoryParts("bench-scan", { resources: tenant.resources, rules: tenant.rules, routes: tenant.routes, coverage })) {
      const body = new TextEncoder().encode(JSON.stringify({ collectorId, seq, createdAt: new Date().toISOString(), ...part }));
      const headers = await signBatch({ collectorId, seq, body, secretKey });
      await json(await fetch(`${api}/v1/ingest`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body }), `ingest part ${part.part}`);
      seq++;
    }
    progress(`${n} resources ingested`);
    const timed = async (body: unknown, what: string) => {
      const t0 = performance.now();
      const out = await json(await fetch(`${api}/v1/evidence`, { method: "POST", headers: auth, body: JSON.stringify(body) }), what);
      return { ms: performance.now() - t0, out };
    };
    // The first generation also makes the tenant's key; not counted.
    await timed({ kinds: ["scope_snapshot"] }, "warm-up generation");
    const snapshotMs: number[] = [];
    let snapshotBytes = 0;
    for (let i = 0; i < runs; i++) {
      const { ms, out } = await timed({ kinds: ["scope_snapshot"] }, "snapshot generation");
      snapshotMs.push(ms);
      snapshotBytes = (out.artifacts as { bytes: number }[])[0]!.bytes;
    }
    const allKindsMs: number[] = [];
    for (let i = 0; i < Math.min(runs, 3); i++) allKindsMs.push((await timed({}, "generation of every kind")).ms);
    const t0 = performance.now();
    const pkg = await fetch(`${api}/v1/evidence/package`, { method: "POST", headers: auth, body: "{}" });
    if (!pkg.ok) throw new Error(`package failed (${pkg.status}): ${(await pkg.text()).slice(0, 500)}`);
    await pkg.arrayBuffer();
    const packageMs = performance.now() - t0;
    return { resources: n, snapshotMs, snapshotBytes, allKindsMs, packageMs };
  } finally {
    worker.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchEvidenceWorker(Number(process.argv[2] ?? 10_000));
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}
