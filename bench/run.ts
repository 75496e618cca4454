/**
 * `npm run bench`: prints the figures DESIGN §7 sets targets for. Benchmarks, not tests:
 * nothing here fails on a slow machine; read the numbers.
 *   npm run bench               all
 *   npm run bench -- flowlogs   one group (flowlogs | discovery | classify | do | evidence | web)
 *   npm run bench -- evidence-worker   evidence generation through wrangler dev (only when named)
 * The `do` group starts wrangler dev and ingests 10k and 100k-resource tenants over HTTP: minutes.
 */
import { benchClassify } from "./classify.js";
import { benchDiscovery } from "./discovery.js";
import { benchDurableObject, printDurableObjectBench } from "./durable-object.js";
import { benchEvidence } from "./evidence.js";
import { benchEvidenceWorker } from "./evidence-worker.js";
import { benchFlowlogs } from "./flowlogs.js";
import { benchWeb, printWebBench, WEB_BENCH_SIZES } from "./web.js";

const only = process.argv[2];
const line = (label: string, value: string, target: string) => process.stdout.write(`${label.padEnd(58)} ${value.padStart(16)}   target ${target}\n`);

if (!only || only === "flowlogs") {
  process.stdout.write("\n# Flow-log summarization (collector, one core, gzip'd AWS VPC v2)\n");
  for (const records of [1_000_000, 10_000_000]) {
    const r = await benchFlowlogs(records);
    line(`${records.toLocaleString("en")} records → ${r.edges.toLocaleString("en")} edges`, `${Math.round(r.recordsPerSecond).toLocaleString("en")}/s`, "≥ 1,000,000/s");
    line(`  wall time / peak RSS`, `${r.seconds.toFixed(2)} s / ${Math.round(r.peakRssMB)} MB`, "memory ∝ edges");
    if (r.duckdbSeconds !== undefined) {
      line(`  DuckDB 1 thread, same GROUP BY (${(r.duckdbGroups ?? 0).toLocaleString("en")} groups)`, `${(r.duckdbRecordsPerSecond ?? 0).toLocaleString("en")}/s`, `ratio ${(r.recordsPerSecond / (r.duckdbRecordsPerSecond ?? 1)).toFixed(2)}× (> 1 beats it)`);
    }
  }
}

if (!only || only === "discovery") {
  process.stdout.write("\n# Discovery (real SDKs against the local wire-format servers, 50 ms injected per API answer)\n");
  for (const r of await benchDiscovery({ resources: 10_000, latencyMs: 50 })) {
    line(`${r.cloud}: ${r.resources.toLocaleString("en")} resources in ${r.requests} API calls`, `${r.seconds.toFixed(1)} s`, "< 60 s");
    line(`  peak RSS`, `${Math.round(r.peakRssMB)} MB`, "—");
  }
}

if (!only || only === "classify") {
  process.stdout.write("\n# Classification (pure engine, in-process)\n");
  for (const resources of [10_000, 100_000]) {
    const r = await benchClassify({ resources, edges: 1_000_000 });
    line(`${resources.toLocaleString("en")} resources + ${r.edges.toLocaleString("en")} flow edges`, `${Math.round(r.classifyMs)} ms`, "< 2,000 ms (in the DO)");
    line(`  path query p95 (${r.pathQuery.queries} canReach)`, `${r.pathQuery.p95Ms} ms`, "ms-scale");
    line(`  violations / drift snapshot`, `${Math.round(r.violationsMs)} / ${Math.round(r.snapshotMs)} ms`, "—");
    line(`  one 2,000-edge flows batch, reclassifyTouched`, `${Math.round(r.incremental.reclassifyMs)} ms`, "< 100 ms (in the DO)");
    if (r.memory) line(`  memory: FlowEdge[] / EdgeTable / state`, `${r.memory.flowEdgeArrayMB} / ${r.memory.edgeTableMB} / ${r.memory.stateMB} MB`, "128 MB isolate");
  }
}

if (!only || only === "do") {
  process.stdout.write("\n# TenantScope Durable Object (wrangler dev, local workerd; ingest through signed POST /v1/ingest)\n");
  for (const resources of [10_000, 100_000]) {
    printDurableObjectBench(await benchDurableObject({ resources, edges: 1_000_000 }), line);
  }
}

if (!only || only === "evidence") {
  process.stdout.write("\n# Evidence (pure builders + ES256 signer + package writers + offline verifier, in-process)\n");
  const r = await benchEvidence(10_000);
  line(`10,000-resource scope snapshot: build + JCS + SHA-256 + ES256`, `${Math.round(r.snapshotMs)} ms`, "< 200 ms");
  line(`  best of 7 / median CPU time / size`, `${Math.round(r.snapshotBestMs)} / ${Math.round(r.snapshotCpuMs)} ms / ${(r.snapshotBytes / 1e6).toFixed(1)} MB`, "—");
  line(`  build / JCS / SHA-256 / ES256 (medians, each alone)`, `${[r.steps.build, r.steps.jcs, r.steps.sha256, r.steps.es256].map(Math.round).join(" / ")} ms`, "—");
  line(`assessor package (4 artifacts, CSV, PDF, SVGs, manifest, zip)`, `${Math.round(r.packageMs)} ms`, "—");
  line(`  zip size`, `${(r.zipBytes / 1e6).toFixed(2)} MB`, "—");
  line(`offline verify (collector verify)`, `${Math.round(r.verifyMs)} ms`, "—");
}

if (only === "evidence-worker") {
  process.stdout.write("\n# Evidence in the Worker (wrangler dev, local workerd; POST /v1/evidence timed from outside)\n");
  const r = await benchEvidenceWorker(10_000);
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  line(`10,000 resources: POST /v1/evidence scope_snapshot (median of ${r.snapshotMs.length})`, `${Math.round(med(r.snapshotMs))} ms`, "—");
  line(`  range / artifact size`, `${Math.round(Math.min(...r.snapshotMs))}–${Math.round(Math.max(...r.snapshotMs))} ms / ${(r.snapshotBytes / 1e6).toFixed(1)} MB`, "—");
  line(`  every generated kind (median of ${r.allKindsMs.length})`, `${Math.round(med(r.allKindsMs))} ms`, "—");
  line(`  POST /v1/evidence/package`, `${Math.round(r.packageMs)} ms`, "—");
}

if (!only || only === "web") {
  process.stdout.write("\n# Web app (wrangler dev for API and web worker, real Chromium; time to interactive = navigation start → hydrated)\n");
  for (const size of WEB_BENCH_SIZES) printWebBench(await benchWeb(size), line);
}
