import { mkdir, readdir, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import { fsyncDir, writeFileAtomic } from "../state.js";

/**
 * Batches on disk between "made" and "acknowledged". A batch is written here (fsync +
 * rename) before the first send and removed only after a 2xx; one the API refused for
 * good is moved to rejected/ so it can be inspected. Files are named by zero-padded seq
 * so a directory listing is the send order.
 */
export interface SpooledBatch {
  seq: number;
  path: string;
}

const SEQ_WIDTH = 12;

export class Spool {
  readonly dir: string;
  readonly rejectedDir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, "spool");
    this.rejectedDir = join(stateDir, "rejected");
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await mkdir(this.rejectedDir, { recursive: true, mode: 0o700 });
    // A crash mid-write leaves a temp file that was never renamed into place: its batch
    // was never spooled (and its seq is simply skipped), so the file can go.
    for (const name of await readdir(this.dir)) if (name.includes(".tmp-")) await unlink(join(this.dir, name)).catch(() => undefined);
  }

  fileFor(seq: number): string {
    return join(this.dir, `${String(seq).padStart(SEQ_WIDTH, "0")}.json`);
  }

  async put(seq: number, body: Uint8Array): Promise<SpooledBatch> {
    const path = this.fileFor(seq);
    await writeFileAtomic(path, body);
    return { seq, path };
  }

  /** What is waiting, oldest first. */
  async list(): Promise<SpooledBatch[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw err;
    }
    return names
      .filter((n) => /^\d+\.json$/.test(n))
      .map((n) => ({ seq: Number(n.slice(0, -5)), path: join(this.dir, n) }))
      .sort((a, b) => a.seq - b.seq);
  }

  async read(item: SpooledBatch): Promise<Uint8Array> {
    return new Uint8Array(await readFile(item.path));
  }

  async remove(item: SpooledBatch): Promise<void> {
    await unlink(item.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOENT") throw err;
    });
    await fsyncDir(this.dir);
  }

  /** Keep a refused batch, with why it was refused next to it. */
  async reject(item: SpooledBatch, reason: { status?: number; code: string; message: string }): Promise<string> {
    const target = join(this.rejectedDir, item.path.slice(this.dir.length + 1));
    await writeFileAtomic(`${target}.reason.json`, JSON.stringify({ ...reason, rejectedAt: new Date().toISOString() }, null, 2));
    await rename(item.path, target);
    await fsyncDir(this.dir);
    await fsyncDir(this.rejectedDir);
    return target;
  }
}
