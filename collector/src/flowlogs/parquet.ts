import { gunzipSync } from "node:zlib";
import { parquetMetadataAsync, parquetRead, parquetSchema } from "hyparquet";
import type { AwsVpcFlowLogParser } from "./aws-vpc.js";

/**
 * AWS flow logs delivered to S3 as Parquet: the columns carry the field names with
 * underscores (`account_id`, `log_status`, …). Rows are turned back into the text record
 * the parser reads (a header of the column names, then one line per row, null as "-"), so
 * every format rule lives in one parser. Read in slices so that memory stays bounded.
 */
const ROWS_PER_SLICE = 50_000;
const compressors = { GZIP: (input: Uint8Array) => new Uint8Array(gunzipSync(input)) };

export function isParquet(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31;
}

export async function parseParquetFlowLog(bytes: Uint8Array, parser: AwsVpcFlowLogParser): Promise<void> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = await parquetMetadataAsync(file);
  const columns = parquetSchema(metadata).children.map((c) => c.element.name);
  parser.push(Buffer.from(`${columns.join(" ")}\n`));
  const total = Number(metadata.num_rows);
  for (let rowStart = 0; rowStart < total; rowStart += ROWS_PER_SLICE) {
    const rowEnd = Math.min(total, rowStart + ROWS_PER_SLICE);
    let rows: unknown[][] = [];
    await parquetRead({ file, metadata, rowStart, rowEnd, compressors, onComplete: (r) => (rows = r) });
    const lines: string[] = [];
    for (const row of rows) lines.push(row.map((v) => (v === null || v === undefined || v === "" ? "-" : String(v))).join(" "));
    parser.push(Buffer.from(`${lines.join("\n")}\n`));
  }
}
