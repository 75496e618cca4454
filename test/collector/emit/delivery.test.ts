import { readdir, readFile, stat } from "node:fs/promises";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Outbox } from "../../../collector/src/emit/outbox.js";
import { RetryingTransport } from "../../../collector/src/emit/retrying-transport.js";
import { Spool } from "../../../collector/src/emit/spool.js";
import { HttpTransport, parseRetryAfter } from "../../../collector/src/emit/transport.js";
import { enroll } from "../../../collector/src/enroll.js";
import { memoryLogger } from "../../../collector/src/log.js";
import { type CollectorState, loadState, newKeyPair, SeqAllocator, secretKeyBytes } from "../../../collector/src/state.js";
import { type FakeApi, startFakeApi } from "../fixtures/fake-api.js";

let dir: string;
let api: FakeApi;
let state: CollectorState;
const sleeps: number[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "psg-emit-"));
  api = await startFakeApi({ nextSeq: 7 });
  state = await enroll({ apiUrl: api.url, token: "enroll-token-0123456789", stateDir: dir });
  sleeps.length = 0;
});
afterEach(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

function setup(s: CollectorState = state) {
  const log = memoryLogger();
  const spool = new Spool(dir);
  const seqs = new SeqAllocator(dir, s);
  const outbox = new Outbox({ collectorId: s.collectorId, seqs, spool, log });
  const transport = new RetryingTransport(new HttpTransport({ apiUrl: api.url, collectorId: s.collectorId, secretKey: secretKeyBytes(s) }), {
    maxAttempts: 4,
    sleep: async (ms) => void sleeps.push(ms),
    log,
  });
  return { log, spool, seqs, outbox, transport };
}

const heartbeat = { kind: "heartbeat" as const, version: "test", spooled: 0 };

describe("spool → signed send → ack", () => {
  it("a 503 with Retry-After is retried after that delay; the batch is delivered once and leaves the spool", async () => {
    const { spool, outbox, transport } = setup();
    await spool.init();
    const queued = await outbox.enqueue(heartbeat);
    expect(queued.seq).toBe(7); // numbering resumes where the API said
    expect((await spool.list()).map((s) => s.seq)).toEqual([7]);
    expect((await stat(spool.fileFor(7))).mode & 0o777).toBe(0o600);

    api.respondNext({ status: 503, headers: { "retry-after": "2" }, body: { error: { code: "UNAVAILABLE", message: "busy", requestId: "r1" } } });
    const result = await outbox.drain(transport);
    expect(result.sent.map((s) => s.seq)).toEqual([7]);
    expect(api.attempts.map((a) => a.status)).toEqual([503, 202]);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(2000);
    expect(api.received).toHaveLength(1);
    expect(api.received[0]?.body).toMatchObject({ kind: "heartbeat", seq: 7, collectorId: state.collectorId });
    // Each attempt is signed afresh.
    expect(api.attempts[1]!.timestamp).toBeGreaterThanOrEqual(api.attempts[0]!.timestamp);
    expect(await spool.list()).toEqual([]);
  });

  it("a 400 is a permanent failure: the batch moves to rejected/ with its reason and later batches still go", async () => {
    const { spool, outbox, transport, log } = setup();
    await spool.init();
    await outbox.enqueue(heartbeat);
    await outbox.enqueue(heartbeat);
    api.respondNext({ status: 400, body: { error: { code: "MALFORMED_BATCH", message: "no good", requestId: "r2" } } });
    const result = await outbox.drain(transport);
    expect(result.rejected).toMatchObject([{ seq: 7, status: 400, code: "MALFORMED_BATCH", message: "no good" }]);
    expect(result.sent.map((s) => s.seq)).toEqual([8]);
    expect(sleeps).toEqual([]); // not retried
    const kept = await readdir(join(dir, "rejected"));
    expect(kept.sort()).toEqual(["000000000007.json", "000000000007.json.reason.json"]);
    expect(JSON.parse(await readFile(join(dir, "rejected/000000000007.json.reason.json"), "utf8"))).toMatchObject({ code: "MALFORMED_BATCH" });
    expect(log.lines.some((l) => l.level === "error" && l.code === "MALFORMED_BATCH")).toBe(true);
    expect(await spool.list()).toEqual([]);
  });

  it("a crash between spool and send: the next process sends it, and never reuses its seq", async () => {
    const first = setup();
    await first.spool.init();
    await first.outbox.enqueue(heartbeat);
    await first.outbox.enqueue(heartbeat);
    // "crash": nothing sent; a new process starts from what is on disk.
    const reloaded = (await loadState(dir))!;
    expect(reloaded.nextSeq).toBe(9);
    const second = setup(reloaded);
    const drained = await second.outbox.drain(second.transport);
    expect(drained.sent.map((s) => s.seq)).toEqual([7, 8]);
    const next = await second.outbox.enqueue(heartbeat);
    expect(next.seq).toBe(9);
    await second.outbox.drain(second.transport);
    expect(api.received.map((b) => b.seq)).toEqual([7, 8, 9]);
  });

  it("when the API stays unreachable the batches stay spooled, in order, for the next cycle", async () => {
    const { spool, outbox, transport } = setup();
    await spool.init();
    await outbox.enqueue(heartbeat);
    await outbox.enqueue(heartbeat);
    await api.close();
    const result = await outbox.drain(transport);
    expect(result.pending).toEqual([7, 8]);
    expect(sleeps).toHaveLength(3); // 4 attempts
    expect((await spool.list()).map((s) => s.seq)).toEqual([7, 8]);
  });

  it("when the API refuses the collector itself (401/403) the batches stay spooled and sending stops", async () => {
    const { spool, outbox, transport } = setup();
    await spool.init();
    await outbox.enqueue(heartbeat);
    await outbox.enqueue(heartbeat);
    api.respondNext({ status: 401, body: { error: { code: "TIMESTAMP_OUT_OF_WINDOW", message: "clock skew", requestId: "r" } } });
    const result = await outbox.drain(transport);
    expect(result.halted).toMatchObject({ status: 401, code: "TIMESTAMP_OUT_OF_WINDOW" });
    expect(result.pending).toEqual([7, 8]);
    expect(result.rejected).toEqual([]);
    expect((await spool.list()).map((s) => s.seq)).toEqual([7, 8]);
    // Once the cause is fixed, the next drain delivers them.
    expect((await outbox.drain(transport)).sent.map((s) => s.seq)).toEqual([7, 8]);
  });

  it("a batch signed with another key is refused by signature verification", async () => {
    const { outbox, spool } = setup();
    await spool.init();
    await outbox.enqueue(heartbeat);
    const wrong = new HttpTransport({ apiUrl: api.url, collectorId: state.collectorId, secretKey: secretKeyBytes(newKeyPair()) });
    const [item] = await spool.list();
    const res = await wrong.send({ seq: item!.seq, body: await spool.read(item!) });
    expect(res).toMatchObject({ kind: "failure", status: 401, code: "INVALID_SIGNATURE" });
  });

  it("parses Retry-After as seconds or an HTTP date", () => {
    expect(parseRetryAfter("3", 0)).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
  });
});
