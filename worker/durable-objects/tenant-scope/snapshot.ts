import type { BoundaryFlow, ScanSnapshot } from "../../scope/drift.js";
import { readMeta, writeMeta } from "./schema.js";

type Part = "r" | "d" | "c" | "f" | "s";

const RESOURCE_KEYS = ["uid", "kind", "name"];
const DECISION_KEYS = ["uid", "scope", "confidence", "rule"];

/** The item has exactly these keys in this order (so equal fields mean an equal text). */
function sameKeys(o: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in o) if (k !== keys[i++]) return false;
  return i === keys.length;
}

/**
 * The last drift snapshot (worker/scope/drift.ts), kept in memory and stored one row per item
 * in `drift_snapshot`: a large tenant's snapshot is tens of MB as one value (the row limit is
 * 2 MB), and per-item rows let a classification write only what changed. `texts` mirrors
 * the stored rows so the next save can diff without reading them back.
 */
export class StoredSnapshot {
  private constructor(
    readonly snapshot: ScanSnapshot | undefined,
    private readonly texts: Map<string, string>,
  ) {}

  /** The stored snapshot, or one holding nothing when no classification has stored one yet. */
  static load(sql: SqlStorage): StoredSnapshot {
    if (readMeta(sql, "snapshot") !== "1") return new StoredSnapshot(undefined, new Map());
    const s: ScanSnapshot = { resources: [], decisions: [], cdeControls: [], boundaryFlows: [], stale: [] };
    const texts = new Map<string, string>();
    for (const r of sql.exec("SELECT part, key, json FROM drift_snapshot ORDER BY rowid").raw()) {
      const part = r[0] as Part;
      const key = r[1] as string;
      const json = r[2] as string;
      texts.set(`${part}\u0000${key}`, json);
      const v = JSON.parse(json) as never;
      if (part === "r") s.resources.push(v);
      else if (part === "d") s.decisions.push(v);
      else if (part === "c") s.cdeControls.push(v);
      else if (part === "f") s.boundaryFlows.push(v);
      else s.stale.push(key);
    }
    s.cdeControls.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    s.boundaryFlows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    s.stale.sort();
    return new StoredSnapshot(s, texts);
  }

  /**
   * Writes the rows that differ from this snapshot (inside the caller's transaction); returns
   * the new stored snapshot. The kept texts follow in place: if the caller's transaction
   * fails, drop this object (the next classification loads the stored one).
   */
  save(sql: SqlStorage, next: ScanSnapshot): StoredSnapshot {
    const texts = this.texts;
    const put = (part: Part, key: string, json: string) => {
      const k = `${part}\u0000${key}`;
      if (texts.get(k) === json) return;
      texts.set(k, json);
      sql.exec("INSERT OR REPLACE INTO drift_snapshot (part, key, json) VALUES (?, ?, ?)", part, key, json);
    };
    const drop = (part: Part, key: string) => {
      if (!texts.delete(`${part}\u0000${key}`)) return;
      sql.exec("DELETE FROM drift_snapshot WHERE part = ? AND key = ?", part, key);
    };
    // Every item of `snapshot` has its stored text in `texts` (loaded together, or saved
    // together here and in saveChanges). Resources and decisions (one each per resource)
    // mostly stay as stored: an item equal, field by field, to the stored one at the same
    // position is skipped without building its text or its key; when every position holds
    // the same uid, no stored item of that part is gone either.
    const before = this.snapshot;
    const same = <T extends { uid: string }>(part: Part, was: readonly T[], now: readonly T[], keys: readonly string[], equal: (b: T, n: T) => boolean) => {
      let aligned = was.length === now.length;
      for (let i = 0; i < now.length; i++) {
        const n = now[i]!;
        const b = was[i];
        if (b === undefined || b.uid !== n.uid) aligned = false;
        else if (equal(b, n) && sameKeys(b, keys) && sameKeys(n, keys)) continue;
        put(part, n.uid, JSON.stringify(n));
      }
      if (aligned) return;
      const present = new Set(now.map((n) => n.uid));
      for (const b of was) if (!present.has(b.uid)) drop(part, b.uid);
    };
    same("r", before?.resources ?? [], next.resources, RESOURCE_KEYS, (b, n) => b.kind === n.kind && b.name === n.name);
    same("d", before?.decisions ?? [], next.decisions, DECISION_KEYS, (b, n) => b.scope === n.scope && b.confidence === n.confidence && b.rule === n.rule);
    for (const c of next.cdeControls) put("c", c.id, JSON.stringify(c));
    for (const f of next.boundaryFlows) put("f", f.key, JSON.stringify(f));
    for (const uid of next.stale) put("s", uid, "1");
    const gone = <T>(part: Part, was: readonly T[], now: readonly T[], key: (x: T) => string) => {
      const present = new Set(now.map(key));
      for (const b of was) if (!present.has(key(b))) drop(part, key(b));
    };
    gone("c", before?.cdeControls ?? [], next.cdeControls, (c) => c.id);
    gone("f", before?.boundaryFlows ?? [], next.boundaryFlows, (f) => f.key);
    gone("s", before?.stale ?? [], next.stale, (uid) => uid);
    if (before === undefined) writeMeta(sql, "snapshot", "1");
    return new StoredSnapshot(next, texts);
  }

  /**
   * Writes only the items a flows batch changed (worker/scope/derived.ts `rederiveTouched`,
   * which has already applied them to this snapshot's object); returns the stored snapshot.
   * The kept texts follow in place: if the caller's transaction fails, drop this object (the
   * next classification loads the stored one).
   */
  saveChanges(sql: SqlStorage, changed: { decisions: ScanSnapshot["decisions"]; boundaryFlows: readonly BoundaryFlow[]; removedFlows: readonly string[] }): StoredSnapshot {
    if (this.snapshot === undefined) throw new Error("saveChanges needs a stored snapshot to change");
    const put = (part: Part, key: string, json: string) => {
      const k = `${part}\u0000${key}`;
      if (this.texts.get(k) === json) return;
      this.texts.set(k, json);
      sql.exec("INSERT OR REPLACE INTO drift_snapshot (part, key, json) VALUES (?, ?, ?)", part, key, json);
    };
    for (const d of changed.decisions) put("d", d.uid, JSON.stringify(d));
    for (const f of changed.boundaryFlows) put("f", f.key, JSON.stringify(f));
    for (const key of changed.removedFlows) {
      if (!this.texts.delete(`f\u0000${key}`)) continue;
      sql.exec("DELETE FROM drift_snapshot WHERE part = 'f' AND key = ?", key);
    }
    return this;
  }
}
