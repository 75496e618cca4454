import { asc } from "drizzle-orm";
import type { ServiceCtx } from "../../context.js";
import { collectors, type CollectorRow } from "../../db/schema/index.js";
import { coverageByCollector, type CollectorCoverage } from "./coverage.js";

export interface CollectorView {
  id: string;
  name: string;
  status: CollectorRow["status"];
  version: string | null;
  publicKey: string;
  createdAt: string;
  lastSeenAt: string | null;
  lastSeq: number;
  revokedAt: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function collectorView(row: CollectorRow): CollectorView {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    version: row.version,
    publicKey: row.publicKey,
    createdAt: new Date(row.createdAt).toISOString(),
    lastSeenAt: iso(row.lastSeenAt),
    lastSeq: row.lastSeq,
    revokedAt: iso(row.revokedAt),
  };
}

/** A listed collector with what its last complete scan could not read (null before its first). */
export interface CollectorListItem extends CollectorView {
  coverage: CollectorCoverage | null;
}

export async function listCollectors(ctx: ServiceCtx): Promise<CollectorListItem[]> {
  const [rows, coverage] = await Promise.all([ctx.db.select(collectors, { orderBy: [asc(collectors.createdAt), asc(collectors.id)] }), coverageByCollector(ctx)]);
  return rows.map((row) => ({ ...collectorView(row), coverage: coverage.get(row.id) ?? null }));
}
