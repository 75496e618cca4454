import type { BoundaryFlow, ScanSnapshot } from "../../scope/drift.js";
import { readMeta, writeMeta } from "./schema.js";

type Part = "r" | "d" | "c" | "f" | "s";

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

  /** Writes the rows that differ from this snapshot (inside the caller's transaction); returns the new stored snapshot. */
  save(sql: SqlStorage, next: ScanSnapshot): StoredSnapshot {
    const texts = new Map<string, string>();
    const put = (part: Part, key: string, json: string) => {
      const k = `${part}\u0000${key}`;
      texts.set(k, json);
      if (this.texts.get(k) !== json) sql.exec("INSERT OR REPLACE INTO drift_snapshot (part, key, json) VALUES (?, ?, ?)", part, key, json);
    };
    for (const r of next.resources) put("r", r.uid, JSON.stringify(r));
    for (const d of next.decisions) put("d", d.uid, JSON.stringify(d));
    for (const c of next.cdeControls) put("c", c.id, JSON.stringify(c));
    for (const f of next.boundaryFlows) put("f", f.key, JSON.stringify(f));
    for (const uid of next.stale) put("s", uid, "1");
    for (const k of this.texts.keys()) {
      if (texts.has(k)) continue;
      const at = k.indexOf("\u0000");
      sql.exec("DELETE FROM drift_snapshot WHERE part = ? AND key = ?", k.slice(0, at), k.slice(at + 1));
    }
    if (this.snapshot === undefined) writeMeta(sql, "snapshot", "1");
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
