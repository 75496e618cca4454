import { z } from "zod";
import { Provider, Resource, ResourceKind } from "./resource.js";
import { Rule } from "./rule.js";
import { Route } from "./route.js";
import { FlowEdge } from "./flow-edge.js";

/** Upper bounds that keep one batch well inside the ingest body limit. */
export const BATCH_LIMITS = {
  maxBodyBytes: 5 * 1024 * 1024,
  maxResources: 5_000,
  maxRules: 20_000,
  maxRoutes: 20_000,
  maxEdges: 20_000,
} as const;

/**
 * What one discovery call covered and how it ended. Resources of `kinds` in this
 * account/region that are absent from a committed scan are removed only where the
 * coverage is `ok`; under `skipped` or `partial` they are kept and marked stale.
 */
export const Coverage = z.object({
  provider: Provider,
  account: z.string().min(1).max(128),
  region: z.string().max(64),
  /** e.g. "ec2:DescribeInstances". */
  service: z.string().min(1).max(128),
  kinds: z.array(ResourceKind).min(1),
  status: z.enum(["ok", "skipped", "partial"]),
  reason: z.string().max(2048).optional(),
  count: z.number().int().min(0).optional(),
});
export type Coverage = z.infer<typeof Coverage>;

const BatchHeader = {
  collectorId: z.string().min(1).max(64),
  /** Monotonic per collector, from 1. */
  seq: z.number().int().min(1),
  createdAt: z.iso.datetime(),
};

export const InventoryBatch = z
  .object({
    ...BatchHeader,
    kind: z.literal("inventory"),
    scanId: z.string().min(1).max(128),
    /** 1-based; the scan is committed only when all `parts` have arrived. */
    part: z.number().int().min(1),
    parts: z.number().int().min(1).max(10_000),
    resources: z.array(Resource).max(BATCH_LIMITS.maxResources),
    rules: z.array(Rule).max(BATCH_LIMITS.maxRules).default([]),
    routes: z.array(Route).max(BATCH_LIMITS.maxRoutes).default([]),
    coverage: z.array(Coverage).max(10_000).default([]),
  })
  .refine((b) => b.part <= b.parts, { message: "part must be <= parts", path: ["part"] });
export type InventoryBatch = z.infer<typeof InventoryBatch>;

export const FlowsBatch = z.object({
  ...BatchHeader,
  kind: z.literal("flows"),
  /** Where the records came from (a log group, a bucket prefix, a file). */
  source: z.string().max(1024).optional(),
  window: z.object({ from: z.number().int().min(0), to: z.number().int().min(0) }),
  edges: z.array(FlowEdge).max(BATCH_LIMITS.maxEdges),
});
export type FlowsBatch = z.infer<typeof FlowsBatch>;

export const HeartbeatBatch = z.object({
  ...BatchHeader,
  kind: z.literal("heartbeat"),
  version: z.string().max(64),
  spooled: z.number().int().min(0).default(0),
  lastScan: z
    .object({ scanId: z.string(), finishedAt: z.iso.datetime(), coverage: z.array(Coverage).max(10_000) })
    .optional(),
});
export type HeartbeatBatch = z.infer<typeof HeartbeatBatch>;

export const Batch = z.discriminatedUnion("kind", [InventoryBatch, FlowsBatch, HeartbeatBatch]);
export type Batch = z.infer<typeof Batch>;
export type BatchInput = z.input<typeof Batch>;
