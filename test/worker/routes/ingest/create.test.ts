import { ed25519 } from "@noble/curves/ed25519.js";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BATCH_LIMITS, SIGNATURE_HEADERS } from "../../../../contract/index.js";
import { TenantScope } from "../../../../worker/durable-objects/tenant-scope/object.js";
import { tenantScope } from "../../../../worker/durable-objects/tenant-scope/client.js";
import {
  call,
  expectError,
  ingest,
  newCollector,
  newTenant,
  resource,
  scan,
  send,
  signedIngest,
  snapshot,
  type TestCollector,
  type TestTenant,
} from "../../helpers.js";

const body = (c: TestCollector, seq: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ collectorId: c.collectorId, seq, createdAt: new Date().toISOString(), ...scan("s1", [resource("arn:aws:ec2:eu-west-1:111111111111:instance/i-1")]), ...extra });

describe("POST /v1/ingest", () => {
  let t: TestTenant;
  let c: TestCollector;
  beforeEach(async () => {
    t = await newTenant();
    c = await newCollector(t);
  });
  afterEach(() => vi.restoreAllMocks());

  describe("works", () => {
    it("stores the raw bytes, indexes the batch and applies it", async () => {
      const raw = body(c, 1);
      const res = await send(await signedIngest(c, raw, { seq: 1 }));
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ status: "applied", collectorId: c.collectorId, seq: 1, scan: { scanId: "s1", received: 1, parts: 1, committed: true } });

      const object = await env.BLOBS.get(`${t.tenantId}/batches/${c.collectorId}/1.json`);
      expect(await object?.text()).toBe(raw);
      const row = await env.DB.prepare("SELECT * FROM batches WHERE collector_id = ? AND seq = 1").bind(c.collectorId).first<Record<string, unknown>>();
      expect(row).toMatchObject({ tenant_id: t.tenantId, kind: "inventory", status: "applied", bytes: raw.length });
      const collector = await env.DB.prepare("SELECT last_seq, last_seen_at FROM collectors WHERE id = ?").bind(c.collectorId).first<{ last_seq: number; last_seen_at: number }>();
      expect(collector?.last_seq).toBe(1);
      expect(collector?.last_seen_at).toBeGreaterThan(0);
      expect((await tenantScope(env, t.tenantId).stats()).resources).toBe(1);
    });

    it("acknowledges a resend of an applied seq as a duplicate and does not apply it twice", async () => {
      const flows = { kind: "flows", window: { from: 0, to: 60 }, edges: [{ srcIp: "10.0.0.1", dstIp: "10.0.0.2", dstPort: 443, protocol: 6, action: "accept", packets: 5, bytes: 500, flows: 1, firstSeen: 1, lastSeen: 2 }] };
      const raw = JSON.stringify({ collectorId: c.collectorId, seq: 1, createdAt: new Date().toISOString(), ...flows });
      expect((await send(await signedIngest(c, raw, { seq: 1 }))).json.status).toBe("applied");
      const before = await snapshot(t.tenantId);
      const again = await send(await signedIngest(c, raw, { seq: 1 }));
      expect(again.status).toBe(200);
      expect(again.json.status).toBe("duplicate");
      const after = await snapshot(t.tenantId);
      expect(after.scope).toEqual(before.scope);
      const page = await call("GET", "/v1/flows", { key: t.read });
      expect(page.json.items[0]).toMatchObject({ packets: 5, bytes: 500, flows: 1 });
    });

    it("answers 503 with Retry-After when the Durable Object fails, and applies on the resend", async () => {
      const spy = vi.spyOn(TenantScope.prototype, "applyBatch").mockRejectedValueOnce(new Error("object overloaded"));
      const raw = body(c, 1);
      const res = await send(await signedIngest(c, raw, { seq: 1 }));
      expectError(res, 503, "UNAVAILABLE");
      expect(res.headers.get("retry-after")).toBe("5");
      expect(spy).toHaveBeenCalledTimes(1);
      // Durable before acknowledged: bytes and a `stored` index row exist, nothing applied.
      const stored = await env.DB.prepare("SELECT status FROM batches WHERE collector_id = ? AND seq = 1").bind(c.collectorId).first<{ status: string }>();
      expect(stored?.status).toBe("stored");
      expect((await snapshot(t.tenantId)).r2).toEqual([`${t.tenantId}/batches/${c.collectorId}/1.json`]);
      expect((await tenantScope(env, t.tenantId).stats()).resources).toBe(0);

      const resend = await send(await signedIngest(c, raw, { seq: 1 }));
      expect(resend.status).toBe(200);
      expect(resend.json.status).toBe("applied");
      expect((await tenantScope(env, t.tenantId).stats()).resources).toBe(1);
    });
  });

  describe("rejections change nothing", () => {
    // Each case: a request, the status and code it must get. Each runs after one applied batch
    // (seq 1) so "nothing changed" is checked against real state, not an empty tenant.
    const cases: [string, (c: TestCollector) => Promise<Request>, number, string][] = [
      ["no signature headers", async (c) => signedIngest(c, body(c, 2), { seq: 2, headers: { [SIGNATURE_HEADERS.signature]: null } }), 401, "MISSING_SIGNATURE"],
      ["no collector header", async (c) => signedIngest(c, body(c, 2), { seq: 2, headers: { [SIGNATURE_HEADERS.collector]: null } }), 401, "MISSING_SIGNATURE"],
      ["unknown collector", async (c) => signedIngest(c, body(c, 2), { seq: 2, headers: { [SIGNATURE_HEADERS.collector]: "col_doesnotexist" } }), 401, "UNKNOWN_COLLECTOR"],
      ["timestamp too old", async (c) => signedIngest(c, body(c, 2), { seq: 2, timestampMs: Date.now() - 301_000 }), 401, "TIMESTAMP_OUT_OF_WINDOW"],
      ["timestamp in the future", async (c) => signedIngest(c, body(c, 2), { seq: 2, timestampMs: Date.now() + 301_000 }), 401, "TIMESTAMP_OUT_OF_WINDOW"],
      ["signed by another key", async (c) => signedIngest(c, body(c, 2), { seq: 2, signWith: ed25519.keygen().secretKey }), 401, "INVALID_SIGNATURE"],
      ["body changed after signing", async (c) => signedIngest(c, body(c, 2), { seq: 2, signBody: body(c, 2, { scanId: "other" }) }), 401, "INVALID_SIGNATURE"],
      ["signature is not base64url", async (c) => signedIngest(c, body(c, 2), { seq: 2, headers: { [SIGNATURE_HEADERS.signature]: "!!!" } }), 401, "INVALID_SIGNATURE"],
      ["seq header is not a number", async (c) => signedIngest(c, body(c, 2), { seq: 2, headers: { [SIGNATURE_HEADERS.seq]: "two" } }), 401, "INVALID_SIGNATURE"],
      ["seq header differs from the signed seq", async (c) => signedIngest(c, body(c, 2), { seq: 2, headers: { [SIGNATURE_HEADERS.seq]: "3" } }), 401, "INVALID_SIGNATURE"],
      ["not JSON", async (c) => signedIngest(c, "{not json", { seq: 2 }), 400, "MALFORMED_BATCH"],
      ["not a batch", async (c) => signedIngest(c, JSON.stringify({ collectorId: c.collectorId, seq: 2, kind: "inventory" }), { seq: 2 }), 400, "MALFORMED_BATCH"],
      ["body seq differs from the header", async (c) => signedIngest(c, body(c, 3), { seq: 2 }), 400, "MALFORMED_BATCH"],
      ["body collector differs from the header", async (c) => signedIngest(c, body(c, 2, { collectorId: "col_someoneelse" }), { seq: 2 }), 400, "MALFORMED_BATCH"],
      ["declared length over the limit", async (c) => signedIngest(c, body(c, 2), { seq: 2, headers: { "content-length": String(BATCH_LIMITS.maxBodyBytes + 1) } }), 413, "BATCH_TOO_LARGE"],
      ["actual length over the limit", async (c) => signedIngest(c, "x".repeat(BATCH_LIMITS.maxBodyBytes + 1), { seq: 2 }), 413, "BATCH_TOO_LARGE"],
      ["seq reused with another body", async (c) => signedIngest(c, body(c, 1, { scanId: "different" }), { seq: 1 }), 409, "SEQ_CONFLICT"],
    ];

    it.each(cases)("%s", async (_name, build, status, code) => {
      expect((await ingest(c, scan("s1", [resource("arn:aws:ec2:eu-west-1:111111111111:instance/i-1")]), 1)).status).toBe(200);
      const before = await snapshot(t.tenantId);
      expectError(await send(await build(c)), status, code);
      expect(await snapshot(t.tenantId)).toEqual(before);
    });

    it("names the zod issue paths of a malformed batch", async () => {
      const bad = JSON.stringify({ collectorId: c.collectorId, seq: 1, createdAt: new Date().toISOString(), ...scan("s1", [{ ...resource("r"), provider: "oracle" } as never]) });
      const err = expectError(await send(await signedIngest(c, bad, { seq: 1 })), 400, "MALFORMED_BATCH");
      expect(err.message).toContain("resources.0.provider");
    });

    it("refuses a revoked collector", async () => {
      await ingest(c, scan("s1", [resource("i-1")]), 1);
      expect((await call("POST", `/v1/collectors/${c.collectorId}/revoke`, { key: t.admin })).status).toBe(200);
      const before = await snapshot(t.tenantId);
      expectError(await send(await signedIngest(c, body(c, 2), { seq: 2 })), 403, "COLLECTOR_REVOKED");
      expect(await snapshot(t.tenantId)).toEqual(before);
    });

    it("rejects a part whose part count contradicts the scan's and leaves no trace", async () => {
      expect((await ingest(c, scan("s9", [resource("i-1")], { part: 1, parts: 3 }), 1)).status).toBe(200);
      const before = await snapshot(t.tenantId);
      const err = expectError(await ingest(c, scan("s9", [resource("i-2")], { part: 2, parts: 2 }), 2), 400, "MALFORMED_BATCH");
      expect(err.message).toContain("3 parts");
      expect(await snapshot(t.tenantId)).toEqual(before);
    });
  });

  describe("security", () => {
    it("a collector's batch lands only in its own tenant", async () => {
      const other = await newTenant();
      const before = await snapshot(other.tenantId);
      await ingest(c, scan("s1", [resource("arn:aws:ec2:eu-west-1:111111111111:instance/i-mine")]), 1);
      expect(await snapshot(other.tenantId)).toEqual(before);
      expect((await call("GET", "/v1/resources", { key: other.read })).json.items).toEqual([]);
      expect((await call("GET", "/v1/resources", { key: t.read })).json.items).toHaveLength(1);
    });

    it("one collector cannot send as another collector of the same tenant", async () => {
      const c2 = await newCollector(t);
      const forged = await signedIngest({ ...c2, secretKey: c.secretKey }, JSON.stringify({ collectorId: c2.collectorId }), { seq: 1 });
      expectError(await send(forged), 401, "INVALID_SIGNATURE");
    });

    it("an API key is not a collector credential", async () => {
      expectError(await call("POST", "/v1/ingest", { key: t.admin, body: body(c, 1) }), 401, "MISSING_SIGNATURE");
    });
  });
});
