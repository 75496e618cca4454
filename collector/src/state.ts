import { chmod, mkdir, open, readFile, rename } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ed25519 } from "@noble/curves/ed25519.js";
import { z } from "zod";
import { fromBase64Url, toBase64Url } from "../../contract/index.js";

/**
 * The collector's identity and counters, in its state directory (0700; files 0600).
 * The secret key never leaves this file.
 */
export const CollectorState = z.object({
  collectorId: z.string().min(1),
  tenantId: z.string().min(1),
  apiUrl: z.url(),
  publicKey: z.string(),
  secretKey: z.string(),
  /** The next seq to assign; persisted before a batch using it is spooled, so no seq is reused. */
  nextSeq: z.number().int().min(1),
  name: z.string().optional(),
  enrolledAt: z.string(),
});
export type CollectorState = z.infer<typeof CollectorState>;

const STATE_FILE = "state.json";

export async function ensureStateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/** Write a file so that a crash leaves either the old or the new content: tmp, fsync, rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  const fh = await open(tmp, "w", mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await chmod(tmp, mode);
  await rename(tmp, path);
  await fsyncDir(dirname(path));
}

export async function fsyncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, "r");
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  }
}

export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export async function loadState(dir: string): Promise<CollectorState | undefined> {
  const raw = await readJson<unknown>(join(dir, STATE_FILE));
  if (raw === undefined) return undefined;
  const parsed = CollectorState.safeParse(raw);
  if (!parsed.success) throw new Error(`state file ${join(dir, STATE_FILE)} is corrupt: ${parsed.error.message}`);
  return parsed.data;
}

export async function saveState(dir: string, state: CollectorState): Promise<void> {
  await ensureStateDir(dir);
  await writeFileAtomic(join(dir, STATE_FILE), JSON.stringify(state, null, 2) + "\n");
}

export function newKeyPair(): { publicKey: string; secretKey: string } {
  const { secretKey, publicKey } = ed25519.keygen();
  return { publicKey: toBase64Url(publicKey), secretKey: toBase64Url(secretKey) };
}

export function secretKeyBytes(state: Pick<CollectorState, "secretKey">): Uint8Array {
  return fromBase64Url(state.secretKey);
}

/** Hands out seqs and persists the counter before returning, so a restart never reuses one. */
export class SeqAllocator {
  constructor(
    private readonly dir: string,
    private state: CollectorState,
  ) {}

  async next(): Promise<number> {
    const seq = this.state.nextSeq;
    this.state = { ...this.state, nextSeq: seq + 1 };
    await saveState(this.dir, this.state);
    return seq;
  }

  get current(): CollectorState {
    return this.state;
  }
}
