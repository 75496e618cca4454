import { z } from "zod";

/** Enrollment: the collector trades a one-time token and its public key for an id. */
export const EnrollRequest = z.object({
  token: z.string().min(16).max(256),
  /** Ed25519 public key, 32 bytes, base64url. */
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "must be a 32-byte Ed25519 public key in base64url"),
  name: z.string().min(1).max(128).optional(),
  version: z.string().max(64).optional(),
});
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export const EnrollResponse = z.object({
  collectorId: z.string(),
  tenantId: z.string(),
  /** Where the collector should resume numbering (last seq the worker knows + 1). */
  nextSeq: z.number().int().min(1),
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;

export const IngestResponse = z.object({
  status: z.enum(["applied", "duplicate", "stored"]),
  collectorId: z.string(),
  seq: z.number().int(),
  /** For inventory parts: whether this part completed (and so committed) the scan. */
  scan: z.object({ scanId: z.string(), received: z.number().int(), parts: z.number().int(), committed: z.boolean() }).optional(),
});
export type IngestResponse = z.infer<typeof IngestResponse>;

/** Every error the API returns has this shape. */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string(), docs: z.string().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
