import {
  BATCH_LIMITS,
  type Coverage,
  type FlowEdge,
  type FlowsBatch,
  type HeartbeatBatch,
  type InventoryBatch,
  type Resource,
  type Route,
  type Rule,
} from "../../../contract/index.js";

/** A batch before it has a seq and a collector id (both are added when it is spooled). */
export type InventoryDraft = Omit<InventoryBatch, "collectorId" | "seq" | "createdAt">;
export type FlowsDraft = Omit<FlowsBatch, "collectorId" | "seq" | "createdAt">;
export type HeartbeatDraft = Omit<HeartbeatBatch, "collectorId" | "seq" | "createdAt">;
export type BatchDraft = InventoryDraft | FlowsDraft | HeartbeatDraft;

/** Stay well under the ingest body limit: headers and the batch envelope need room too. */
export const BYTE_BUDGET = Math.min(4 * 1024 * 1024, BATCH_LIMITS.maxBodyBytes - 64 * 1024);

export interface Inventory {
  resources: Resource[];
  rules: Rule[];
  routes: Route[];
  coverage: Coverage[];
}

type Item =
  | { list: "resources"; value: Resource }
  | { list: "rules"; value: Rule }
  | { list: "routes"; value: Route }
  | { list: "coverage"; value: Coverage };

const COUNT_LIMITS = {
  resources: BATCH_LIMITS.maxResources,
  rules: BATCH_LIMITS.maxRules,
  routes: BATCH_LIMITS.maxRoutes,
  coverage: 10_000,
} as const;

/**
 * Splits one scan into parts that each fit the contract's count limits and the byte
 * budget. All parts share the scanId and know how many parts there are, so the worker
 * commits the scan only when it is whole. A scan with nothing in it is still one part
 * (its coverage says what was looked at).
 */
export function inventoryParts(scanId: string, inv: Inventory, budget = BYTE_BUDGET): InventoryDraft[] {
  const items: Item[] = [
    ...inv.coverage.map((value) => ({ list: "coverage" as const, value })),
    ...inv.resources.map((value) => ({ list: "resources" as const, value })),
    ...inv.rules.map((value) => ({ list: "rules" as const, value })),
    ...inv.routes.map((value) => ({ list: "routes" as const, value })),
  ];
  const envelope = 512;
  const parts: Inventory[] = [];
  let current: Inventory = { resources: [], rules: [], routes: [], coverage: [] };
  let bytes = envelope;
  let empty = true;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item.value)) + 1;
    if (size + envelope > budget) throw new Error(`one ${item.list} entry is ${size} bytes, larger than a whole batch`);
    const list = current[item.list] as unknown[];
    if (!empty && (bytes + size > budget || list.length >= COUNT_LIMITS[item.list])) {
      parts.push(current);
      current = { resources: [], rules: [], routes: [], coverage: [] };
      bytes = envelope;
    }
    (current[item.list] as unknown[]).push(item.value);
    bytes += size;
    empty = false;
  }
  parts.push(current);
  return parts.map((p, i) => ({ kind: "inventory", scanId, part: i + 1, parts: parts.length, ...p }));
}

/** Splits summarized edges into flows batches within the edge limit and byte budget. */
export function flowsBatches(edges: FlowEdge[], source: string | undefined, budget = BYTE_BUDGET): FlowsDraft[] {
  const out: FlowsDraft[] = [];
  let chunk: FlowEdge[] = [];
  let bytes = 512;
  const flush = () => {
    if (chunk.length === 0) return;
    let from = Infinity;
    let to = 0;
    for (const e of chunk) {
      if (e.firstSeen < from) from = e.firstSeen;
      if (e.lastSeen > to) to = e.lastSeen;
    }
    out.push({ kind: "flows", ...(source ? { source: source.slice(0, 1024) } : {}), window: { from, to }, edges: chunk });
    chunk = [];
    bytes = 512;
  };
  for (const edge of edges) {
    const size = Buffer.byteLength(JSON.stringify(edge)) + 1;
    if (chunk.length >= BATCH_LIMITS.maxEdges || bytes + size > budget) flush();
    chunk.push(edge);
    bytes += size;
  }
  flush();
  return out;
}
