import type { Page, ViolationView } from "./interface.js";

/** A violation with the names of the resources it is about (uid → name; unmapped addresses and removed resources have none). */
export type NamedViolationView = ViolationView & { subjectNames: Record<string, string> };

/** SQLite's default limit on bound parameters is far above this; a page of violations names a few hundred at most. */
const CHUNK = 200;

/** The names of the given resources that exist and have one, in one indexed lookup per 200 uids. */
export function resourceNames(sql: SqlStorage, uids: Iterable<string>): Map<string, string> {
  const wanted = [...new Set(uids)].filter((u) => !u.startsWith("ip:"));
  const names = new Map<string, string>();
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const part = wanted.slice(i, i + CHUNK);
    const rows = sql.exec<{ uid: string; name: string }>(`SELECT uid, name FROM resources WHERE uid IN (${part.map(() => "?").join(", ")})`, ...part);
    for (const r of rows) if (r.name) names.set(r.uid, r.name);
  }
  return names;
}

/** Cards show what a violation is about by name, not only by uid. */
export function withSubjectNames(sql: SqlStorage, page: Page<ViolationView>): Page<NamedViolationView> {
  const names = resourceNames(sql, page.items.flatMap((v) => v.subjects));
  return {
    ...page,
    items: page.items.map((v) => ({ ...v, subjectNames: Object.fromEntries(v.subjects.filter((s) => names.has(s)).map((s) => [s, names.get(s)!])) })),
  };
}
