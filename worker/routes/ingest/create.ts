import { Hono } from "hono";
import { Batch, IngestResponse } from "../../../contract/index.js";
import type { AppEnv } from "../../context.js";
import { ApiError, describeIssues } from "../../errors/index.js";
import { verifyCollectorSignature } from "../../middleware/collector-signature.js";
import { ingestBatch } from "../../services/batches/ingest.js";

/** POST /v1/ingest — docs/ingest-protocol.md. The body is parsed only after the signature checks out. */
export const ingestRoute = new Hono<AppEnv>().post("/", verifyCollectorSignature, async (c) => {
  const { collector, seq, body, sha256 } = c.get("ingest");

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body));
  } catch (err) {
    throw new ApiError("MALFORMED_BATCH", `body is not UTF-8 JSON: ${(err as Error).message}`);
  }
  const parsed = Batch.safeParse(json);
  if (!parsed.success) throw new ApiError("MALFORMED_BATCH", describeIssues(parsed.error.issues));
  const batch = parsed.data;
  if (batch.collectorId !== collector.id) throw new ApiError("MALFORMED_BATCH", "collectorId: does not match the x-psg-collector header");
  if (batch.seq !== seq) throw new ApiError("MALFORMED_BATCH", "seq: does not match the x-psg-seq header");

  const result = await ingestBatch({ ...c.get("svc"), blobs: c.env.BLOBS }, { collectorId: collector.id, seq, sha256, body, batch });
  return c.json(IngestResponse.parse(result));
});
