/**
 * Benchmark of the TenantScope Durable Object in real workerd (DESIGN §7, §9): starts
 * `wrangler dev` on a free loopback port with a throw-away --persist-to, creates a tenant,
 * enrolls a collector (Ed25519) and sends a synthetic tenant through the product path —
 * signed POST /v1/ingest batches within the contract's BATCH_LIMITS, nothing seeded behind
 * the API's back. Then reports what the object says its classifications cost, the cost of
 * one more flows batch, and dashboard read latencies.
 *
 *   npx tsx bench/durable-object.ts [resources] [edges]      one tenant (default 10,000 + 1,000,000)
 *   npm run bench -- do                                       10k and 100k resources, 1M edges each
 */
import { ed25519 } from "@noble/curves/ed25519.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BATCH_LIMITS, SIGNATURE_HEADERS, sha256Hex, signedMessage, toBase64Url, type Coverage, type FlowEdge, type Resource } from "../contract/index.js";
import type { ClassificationTimings, TenantScopeStats } from "../worker/durable-objects/tenant-scope/interface.js";
import { freePort } from "../scripts/local/free-port.js";
import { createEnrollmentToken, createTenant } from "../scripts/local/tenant.js";
import { applyLocalMigrations, startWranglerDev } from "../scripts/local/worker.js";
import { buildTenant } from "./classify.js";

export interface LatencyFigure {
  label: string;
  p50: number;
  p95: number;
  n: number;
}

export interface DurableObjectBenchResult {
  resources: number;
  edges: number;
  ingest: { seconds: number; inventoryBatches: number; flowsBatches: number; slowestBatchMs: number };
  /** The classification after the last batch of the initial load, as the object timed it. */
  full: ClassificationTimings | null;
  /**
   * What the object said after each load batch: how it classified (mode counts, the slowest
   * and median total of flows batches) and how many instances of it answered (a new instance
   * id = the runtime replaced the object, and its next classification reloaded the graph).
   */
  load: { modes: Record<string, number>; flowsTotalMs: { median: number; max: number }; applyMs: { median: number; max: number }; instances: number; graphLoads: number };
  /** Full classifications of the loaded tenant with its graph in memory, forced by setting and removing an override. */
  forcedFull: ClassificationTimings[];
  /** One more flows batch (new edges, some touching the CDE): round trip of the ingest call and the object's own figures. */
  oneBatch: { edges: number; roundTripMs: number; classification: ClassificationTimings | null }[];
  reads: LatencyFigure[];
  stats: TenantScopeStats;
}

const progress = (msg: string) => process.stderr.write(`  [do-bench] ${msg}\n`);

interface Collector {
  api: string;
  id: string;
  secretKey: Uint8Array;
  seq: number;
}

async function enroll(api: string, apiKey: string): Promise<Collector> {
  const token = await createEnrollmentToken(api, apiKey);
  const { secretKey, publicKey } = ed25519.keygen();
  const res = await fetch(`${api}/v1/collectors/enroll`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, publicKey: toBase64Url(publicKey), name: "bench collector", version: "bench" }),
  });
  const body = (await res.json()) as { collectorId: string; nextSeq: number };
  if (res.status !== 201) throw new Error(`enroll failed (${res.status}): ${JSON.stringify(body)}`);
  return { api, id: body.collectorId, secretKey, seq: body.nextSeq };
}

/** Signs and sends one batch; retries 503/429 as a collector would. Returns the round trip of the successful call. */
async function send(c: Collector, batch: Record<string, unknown>): Promise<number> {
  const seq = c.seq++;
  const bytes = new TextEncoder().encode(JSON.stringify({ collectorId: c.id, seq, createdAt: new Date().toISOString(), ...batch }));
  if (bytes.byteLength > BATCH_LIMITS.maxBodyBytes) throw new Error(`batch of ${bytes.byteLength} bytes exceeds the body limit`);
  const sha = await sha256Hex(bytes);
  for (let attempt = 0; ; attempt++) {
    const ts = Date.now();
    const signature = ed25519.sign(signedMessage(c.id, seq, ts, sha), c.secretKey);
    const t0 = performance.now();
    const res = await fetch(`${c.api}/v1/ingest`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [SIGNATURE_HEADERS.collector]: c.id,
        [SIGNATURE_HEADERS.seq]: String(seq),
        [SIGNATURE_HEADERS.timestamp]: String(ts),
        [SIGNATURE_HEADERS.signature]: toBase64Url(signature),
      },
      body: bytes,
    });
    const ms = performance.now() - t0;
    const text = await res.text();
    if (res.ok) return ms;
    if ((res.status === 503 || res.status === 429) && attempt < 5) {
      await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get("retry-after") ?? 1)));
      continue;
    }
    throw new Error(`ingest seq ${seq} failed (${res.status}): ${text.slice(0, 500)}`);
  }
}

/** Largest slices of `items` whose JSON stays under the body limit (with room for the header). */
function* slices<T>(items: T[], max: number, bytesOf: (x: T) => number): Generator<T[]> {
  const budget = BATCH_LIMITS.maxBodyBytes * 0.9;
  let start = 0;
  while (start < items.length) {
    let end = start;
    let bytes = 0;
    while (end < items.length && end - start < max && bytes + bytesOf(items[end]!) < budget) bytes += bytesOf(items[end++]!);
    yield items.slice(start, end);
    start = end;
  }
}

function coverageOf(resources: Resource[]): Coverage[] {
  const kinds = [...new Set(resources.map((r) => r.kind))];
  return [{ provider: "aws", account: resources[0]!.account, region: resources[0]!.region, service: "bench", kinds, status: "ok" }];
}

async function get(api: string, key: string, path: string): Promise<{ ms: number; body: unknown }> {
  const t0 = performance.now();
  const res = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const body = await res.json();
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`GET ${path} → ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return { ms, body };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function latency(label: string, n: number, path: (k: number) => string, api: string, key: string): Promise<LatencyFigure> {
  await get(api, key, path(0)); // warm: the first call may (re)load the object
  const times: number[] = [];
  for (let k = 0; k < n; k++) times.push((await get(api, key, path(k + 1))).ms);
  times.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return { label, p50: round(percentile(times, 50)), p95: round(percentile(times, 95)), n };
}

export async function benchDurableObject(target: { resources: number; edges: number }, opts: { samples?: number } = {}): Promise<DurableObjectBenchResult> {
  const samples = opts.samples ?? 40;
  const tenant = buildTenant(target);
  // The last edges are held back: "one more batch" after the initial load.
  const extra = tenant.edges.splice(tenant.edges.length - 2 * 2_000);
  const persistTo = mkdtempSync(join(tmpdir(), "psg-do-bench-"));
  const operatorToken = toBase64Url(crypto.getRandomValues(new Uint8Array(24)));
  progress(`migrating a fresh local D1 in ${persistTo}`);
  await applyLocalMigrations(persistTo);
  const port = await freePort();
  const worker = await startWranglerDev(port, { persistTo, vars: { OPERATOR_TOKEN: operatorToken } });
  try {
    const api = worker.url;
    const { apiKey } = await createTenant(api, operatorToken, `bench ${target.resources}`);
    const collector = await enroll(api, apiKey);
    const stats = async () => (await get(api, apiKey, "/v1/scope/stats")).body as TenantScopeStats;

    const t0 = performance.now();
    let slowest = 0;
    // Inventory: one scan in parts of ≤ maxResources; rules travel with the first part.
    const parts = [...slices(tenant.resources, BATCH_LIMITS.maxResources, (r) => JSON.stringify(r).length)];
    for (let p = 0; p < parts.length; p++) {
      const ms = await send(collector, {
        kind: "inventory", scanId: "bench-scan-1", part: p + 1, parts: parts.length,
        resources: parts[p], rules: p === 0 ? tenant.rules : [], routes: [], coverage: p === 0 ? coverageOf(tenant.resources) : [],
      });
      slowest = Math.max(slowest, ms);
    }
    progress(`inventory: ${tenant.resources.length} resources in ${parts.length} parts, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    // Per instance of the object seen, its latest graph-load count.
    const instances = new Map<string, number>();
    const modes: Record<string, number> = {};
    const flowsTotals: number[] = [];
    const applies: number[] = [];
    let lastInstance = (await stats()).instance.id;
    const flowParts = [...slices(tenant.edges, BATCH_LIMITS.maxEdges, (e) => JSON.stringify(e).length + 1)];
    for (let p = 0; p < flowParts.length; p++) {
      const ms = await send(collector, { kind: "flows", window: { from: 1_700_000_000, to: 1_700_003_600 }, edges: flowParts[p] });
      slowest = Math.max(slowest, ms);
      const s = await stats();
      if (s.instance.id !== lastInstance) progress(`flows batch ${p + 1}: answered by a new instance of the object (started ${new Date(s.instance.startedAt).toISOString()})`);
      lastInstance = s.instance.id;
      instances.set(s.instance.id, s.instance.graphLoads);
      if (s.lastApply) applies.push(s.lastApply.ms);
      if (s.lastClassification) {
        modes[s.lastClassification.mode] = (modes[s.lastClassification.mode] ?? 0) + 1;
        flowsTotals.push(s.lastClassification.totalMs);
      }
      if ((p + 1) % 10 === 0 || p === flowParts.length - 1) {
        const c = s.lastClassification;
        progress(`flows: ${p + 1}/${flowParts.length} batches, ${((performance.now() - t0) / 1000).toFixed(1)} s, last ${Math.round(ms)} ms (object: ${c ? `${c.mode} ${c.totalMs} ms` : "no classification"})`);
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    const full = (await stats()).lastClassification;
    flowsTotals.sort((a, b) => a - b);
    applies.sort((a, b) => a - b);
    const load = {
      modes, flowsTotalMs: { median: flowsTotals.length ? percentile(flowsTotals, 50) : 0, max: flowsTotals[flowsTotals.length - 1] ?? 0 },
      applyMs: { median: applies.length ? percentile(applies, 50) : 0, max: applies[applies.length - 1] ?? 0 },
      instances: instances.size, graphLoads: [...instances.values()].reduce((a, b) => a + b, 0),
    };

    // A full classification of the whole loaded tenant, graph in memory: an override (set, then removed) makes the object run one.
    const forcedFull: ClassificationTimings[] = [];
    // An out-of-scope resource made connected: the whole tenant is classified, and few decisions change (so this times classification, not a rewrite).
    const overridden = ((await get(api, apiKey, "/v1/resources?scope=out_of_scope&limit=1")).body as { items: { uid: string }[] }).items[0]!.uid;
    for (const method of ["POST", "DELETE"] as const) {
      const path = method === "POST" ? "/v1/overrides" : `/v1/overrides/${encodeURIComponent(overridden)}`;
      const res = await fetch(`${api}${path}`, {
        method,
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        ...(method === "POST" ? { body: JSON.stringify({ uid: overridden, scope: "connected", justification: "benchmark: force a full classification" }) } : {}),
      });
      if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${(await res.text()).slice(0, 300)}`);
      const c = (await stats()).lastClassification;
      if (c) forcedFull.push(c);
    }

    // One more batch, twice: 2,000 new edges each (~1% touch the CDE, as in the tenant), then the same edges again (counts only).
    const oneBatch: DurableObjectBenchResult["oneBatch"] = [];
    for (const edges of [extra.slice(0, 2_000), extra.slice(2_000), extra.slice(2_000)] as FlowEdge[][]) {
      const roundTripMs = await send(collector, { kind: "flows", window: { from: 1_700_003_600, to: 1_700_003_900 }, edges });
      oneBatch.push({ edges: edges.length, roundTripMs: Math.round(roundTripMs), classification: (await stats()).lastClassification });
    }

    const uids = tenant.resources.filter((_, i) => i % 97 === 0).map((r) => r.uid);
    const pick = (k: number) => encodeURIComponent(uids[k % uids.length]!);
    const cdeUid = tenant.resources.find((r) => r.tags["pci:scope"] === "cde")!.uid;
    const reads: LatencyFigure[] = [];
    reads.push(await latency("GET /v1/scope/summary", samples, () => "/v1/scope/summary", api, apiKey));
    reads.push(await latency("GET /v1/resources?limit=100", samples, () => "/v1/resources?limit=100", api, apiKey));
    reads.push(await latency("GET /v1/resources?scope=connected&limit=100", samples, () => "/v1/resources?scope=connected&limit=100", api, apiKey));
    reads.push(await latency("GET /v1/resources?kind=database&scope=cde", samples, () => "/v1/resources?kind=database&scope=cde&limit=100", api, apiKey));
    reads.push(await latency("GET /v1/resources?q=billing", samples, () => "/v1/resources?q=billing&limit=100", api, apiKey));
    // A deep page: follow the cursor of the connected listing a few pages in.
    const nextOf = (body: unknown) => (body as { nextCursor: string | null }).nextCursor;
    let cursor = nextOf((await get(api, apiKey, "/v1/resources?scope=out_of_scope&limit=500")).body);
    for (let k = 0; k < 5 && cursor; k++) {
      const next = nextOf((await get(api, apiKey, `/v1/resources?scope=out_of_scope&limit=500&cursor=${cursor}`)).body);
      if (!next) break;
      cursor = next;
    }
    const deep = cursor ? `&cursor=${cursor}` : "";
    reads.push(await latency("GET /v1/resources?scope=out_of_scope (a later page)", samples, () => `/v1/resources?scope=out_of_scope&limit=100${deep}`, api, apiKey));
    reads.push(await latency("GET /v1/resources/:uid", samples, (k) => `/v1/resources/${pick(k)}`, api, apiKey));
    reads.push(await latency("GET /v1/resources/:uid (a CDE database)", samples, () => `/v1/resources/${encodeURIComponent(cdeUid)}`, api, apiKey));
    reads.push(await latency("GET /v1/flows?limit=100", samples, () => "/v1/flows?limit=100", api, apiKey));
    reads.push(await latency("GET /v1/flows?dstScope=cde&limit=100", samples, () => "/v1/flows?dstScope=cde&limit=100", api, apiKey));
    reads.push(await latency("GET /v1/flows?srcScope=out_of_scope&dstScope=cde", samples, () => "/v1/flows?srcScope=out_of_scope&dstScope=cde&limit=100", api, apiKey));
    reads.push(await latency("GET /v1/flows?uid=…", samples, (k) => `/v1/flows?uid=${pick(k)}&limit=100`, api, apiKey));
    // Path queries: a sample of instances to a CDE database on its port (network model built once, then kept).
    const systems = tenant.resources.filter((r) => r.kind === "instance");
    const from = (k: number) => encodeURIComponent(systems[(k * 131) % systems.length]!.uid);
    reads.push(await latency("GET /v1/paths?from=…&to=<CDE db>&port=5432", samples, (k) => `/v1/paths?from=${from(k)}&to=${encodeURIComponent(cdeUid)}&port=5432`, api, apiKey));

    return {
      resources: tenant.resources.length,
      edges: tenant.edges.length + extra.length,
      ingest: { seconds: Math.round(seconds * 10) / 10, inventoryBatches: parts.length, flowsBatches: flowParts.length, slowestBatchMs: Math.round(slowest) },
      full,
      load,
      forcedFull,
      oneBatch,
      reads,
      stats: await stats(),
    };
  } finally {
    // What the object logged (failed classifications, resets): the figures mean little without it.
    const logged = worker.output().split("\n").filter((l) => /error|exceeded|reset|memory/i.test(l));
    if (logged.length > 0) progress(`wrangler logged ${logged.length} error lines; the first: ${logged.slice(0, 5).map((l) => l.slice(0, 400)).join(" | ")}`);
    worker.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

export function printDurableObjectBench(r: DurableObjectBenchResult, line: (label: string, value: string, target: string) => void): void {
  const c = (t: ClassificationTimings | null) => (t ? `${t.totalMs} ms` : "n/a");
  const writeParts = (t: ClassificationTimings) => {
    const w = t.writeParts;
    return w ? ` (prepare ${w.prepare}, decisions ${w.decisions}, violations/drift/snapshot ${w.derived}, commit ${w.commit}, summary ${w.summary})` : "";
  };
  const parts = (t: ClassificationTimings | null) =>
    t ? `load ${t.loadMs} / classify ${t.classifyMs} / derived ${t.derivedMs ?? "?"}${t.derived ? ` (${t.derived})` : ""} / write ${t.writeMs} ms${writeParts(t)}, ${t.written} rows, ${t.mode}` : "";
  process.stdout.write(`\n## ${r.resources.toLocaleString("en")} resources + ${r.edges.toLocaleString("en")} flow edges\n`);
  line(`ingest (${r.ingest.inventoryBatches} inventory + ${r.ingest.flowsBatches} flows batches)`, `${r.ingest.seconds} s`, `slowest batch ${r.ingest.slowestBatchMs} ms`);
  const modes = Object.entries(r.load.modes).map(([m, n]) => `${n} ${m}`).join(", ");
  process.stdout.write(`    load batches classified: ${modes}; flows batch in the object: merge median ${r.load.applyMs.median} ms (max ${r.load.applyMs.max}), classification median ${r.load.flowsTotalMs.median} ms (max ${r.load.flowsTotalMs.max}); ${r.load.instances} instance(s) of the object, ${r.load.graphLoads} graph load(s)\n`);
  line("classification after the last load batch", c(r.full), "—");
  if (r.full) process.stdout.write(`    ${parts(r.full)}\n`);
  for (const [k, f] of r.forcedFull.entries()) {
    line(`full classification in the DO, graph in memory (override ${k === 0 ? "set" : "removed"})`, c(f), "< 2,000 ms");
    process.stdout.write(`    ${parts(f)}\n`);
  }
  for (const [k, b] of r.oneBatch.entries()) {
    const what = k === 2 ? "same edges again" : "new edges";
    line(`one more flows batch (${b.edges} ${what}): reclassify`, c(b.classification), "< 100 ms");
    process.stdout.write(`    ingest round trip ${b.roundTripMs} ms; ${parts(b.classification)}\n`);
  }
  for (const f of r.reads) line(`${f.label} p50 / p95`, `${f.p50} / ${f.p95} ms`, f.label.startsWith("GET /v1/paths") ? "p95 (DESIGN §7)" : "p95 < 50 ms");
}

if (process.argv[1]?.endsWith("bench/durable-object.ts")) {
  const resources = Number(process.argv[2] ?? 10_000);
  const edges = Number(process.argv[3] ?? 1_000_000);
  const r = await benchDurableObject({ resources, edges });
  printDurableObjectBench(r, (label, value, target) => process.stdout.write(`${label.padEnd(58)} ${value.padStart(16)}   target ${target}\n`));
  process.stdout.write(`${JSON.stringify({ ...r, stats: { ...r.stats } })}\n`);
}
