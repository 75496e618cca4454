import { ed25519 } from "@noble/curves/ed25519.js";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import {
  SIGNATURE_HEADERS,
  sha256Hex,
  signedMessage,
  toBase64Url,
  type BatchInput,
  type Coverage,
  type FlowEdge,
  type ResourceInput,
} from "../../contract/index.js";
import { openDatabase } from "../../worker/db/client.js";
import { tenantScope } from "../../worker/durable-objects/tenant-scope/client.js";
import { createTenant } from "../../worker/services/tenants/create.js";

export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Calls the worker's default export, as a client on the network would. */
export async function call(method: string, path: string, opts: { key?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await exports.default.fetch(new Request(`http://api.test${path}`, { method, headers, body }));
  const text = await res.text();
  let json: Json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json, headers: res.headers };
}

/** Asserts the one error shape and returns it. */
export function expectError(res: { status: number; json: Json }, status: number, code: string) {
  expect({ status: res.status, code: res.json?.error?.code }).toEqual({ status, code });
  expect(typeof res.json.error.message).toBe("string");
  expect(typeof res.json.error.requestId).toBe("string");
  return res.json.error as { code: string; message: string; requestId: string; docs?: string };
}

export interface TestTenant {
  tenantId: string;
  admin: string;
  read: string;
}

let tenantCounter = 0;
/** A tenant with an admin key and a read key. */
export async function newTenant(): Promise<TestTenant> {
  const created = await createTenant({ db: openDatabase(env.DB), now: () => Date.now() }, { name: `tenant ${++tenantCounter}` });
  const read = await call("POST", "/v1/api-keys", { key: created.apiKey, body: { name: "reader", role: "read" } });
  expect(read.status).toBe(201);
  return { tenantId: created.tenantId, admin: created.apiKey, read: read.json.apiKey };
}

export interface TestCollector {
  collectorId: string;
  tenantId: string;
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  nextSeq: number;
}

export async function newEnrollmentToken(t: TestTenant, body: Record<string, unknown> = {}): Promise<string> {
  const res = await call("POST", "/v1/enrollment-tokens", { key: t.admin, body });
  expect(res.status).toBe(201);
  return res.json.token;
}

export async function newCollector(t: TestTenant): Promise<TestCollector> {
  const token = await newEnrollmentToken(t);
  const { secretKey, publicKey } = ed25519.keygen();
  const res = await call("POST", "/v1/collectors/enroll", { body: { token, publicKey: toBase64Url(publicKey), name: "test collector", version: "0.1.0" } });
  expect(res.status).toBe(201);
  return { collectorId: res.json.collectorId, tenantId: res.json.tenantId, secretKey, publicKey, nextSeq: res.json.nextSeq };
}

/** A signed ingest request; every part can be spoiled for the rejection tests. */
export async function signedIngest(
  c: TestCollector,
  body: string | Uint8Array,
  opts: { seq?: number; timestampMs?: number; headers?: Record<string, string | null>; signWith?: Uint8Array; signBody?: string } = {},
): Promise<Request> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const seq = opts.seq ?? 1;
  const ts = opts.timestampMs ?? Date.now();
  const signed = opts.signBody === undefined ? bytes : new TextEncoder().encode(opts.signBody);
  const signature = ed25519.sign(signedMessage(c.collectorId, seq, ts, await sha256Hex(signed)), opts.signWith ?? c.secretKey);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    [SIGNATURE_HEADERS.collector]: c.collectorId,
    [SIGNATURE_HEADERS.seq]: String(seq),
    [SIGNATURE_HEADERS.timestamp]: String(ts),
    [SIGNATURE_HEADERS.signature]: toBase64Url(signature),
  };
  for (const [k, v] of Object.entries(opts.headers ?? {})) {
    if (v === null) delete headers[k];
    else headers[k] = v;
  }
  return new Request("http://api.test/v1/ingest", { method: "POST", headers, body: bytes });
}

export async function send(req: Request) {
  const res = await exports.default.fetch(req);
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Json) : null, headers: res.headers };
}

/** Signs and sends a batch whose header fields are filled from the collector and seq. */
export async function ingest(c: TestCollector, batch: DistributiveOmit<BatchInput, "collectorId" | "seq" | "createdAt">, seq: number) {
  const body = JSON.stringify({ collectorId: c.collectorId, seq, createdAt: new Date().toISOString(), ...batch });
  return send(await signedIngest(c, body, { seq }));
}
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export function resource(uid: string, extra: Partial<ResourceInput> = {}): ResourceInput {
  return { uid, provider: "aws", account: "111111111111", region: "eu-west-1", kind: "instance", name: uid.split("/").pop() ?? uid, tags: {}, ...extra };
}

export function coverage(kinds: Coverage["kinds"], status: Coverage["status"] = "ok", extra: Partial<Coverage> = {}): Coverage {
  return { provider: "aws", account: "111111111111", region: "eu-west-1", service: "ec2:DescribeInstances", kinds, status, ...extra };
}

export function flowEdge(srcIp: string, dstIp: string, dstPort: number, extra: Partial<FlowEdge> = {}): FlowEdge {
  return { srcIp, dstIp, dstPort, protocol: 6, action: "accept", packets: 10, bytes: 1000, flows: 2, firstSeen: 1_700_000_000, lastSeen: 1_700_000_060, ...extra };
}

/** An inventory scan in one part covering instances in the test account/region. */
export function scan(scanId: string, resources: ResourceInput[], opts: { part?: number; parts?: number; coverage?: Coverage[]; rules?: unknown[] } = {}) {
  return {
    kind: "inventory" as const,
    scanId,
    part: opts.part ?? 1,
    parts: opts.parts ?? 1,
    resources,
    rules: (opts.rules ?? []) as never[],
    coverage: opts.coverage ?? [coverage(["instance"])],
  };
}

/** Everything a rejected request must leave untouched: D1 rows, R2 objects, DO state. */
export async function snapshot(tenantId: string) {
  const db = env.DB;
  const count = async (q: string) => ((await db.prepare(q).bind(tenantId).first<{ n: number }>())?.n ?? 0);
  const r2 = await env.BLOBS.list({ prefix: `${tenantId}/` });
  return {
    batches: await count("SELECT count(*) AS n FROM batches WHERE tenant_id = ?"),
    collectors: (await db.prepare("SELECT id, last_seq, last_seen_at, status FROM collectors WHERE tenant_id = ? ORDER BY id").bind(tenantId).all()).results,
    audit: await count("SELECT count(*) AS n FROM audit_log WHERE tenant_id = ?"),
    r2: r2.objects.map((o) => o.key),
    scope: await tenantScope(env, tenantId).stats(),
  };
}
