import {
  type Bucket,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  GetPublicAccessBlockCommand,
  paginateListBuckets,
  type PublicAccessBlockConfiguration,
} from "@aws-sdk/client-s3";
import { collect, empty, network, resource, tagMap } from "../types.js";
import type { AwsServiceClients, AwsServiceFamily } from "./types.js";

export interface BucketRead {
  bucket: Bucket;
  region?: string;
  publicAccessBlock?: PublicAccessBlockConfiguration | null;
  encryption?: string | null;
  tags?: Record<string, string>;
  /** Sub-calls that failed (denied, throttled): the bucket is sent, these facts are unknown. */
  unknown: string[];
}

/** An S3 "not configured" answer, which is a fact, not a failure. */
const ABSENT = new Set(["NoSuchPublicAccessBlockConfiguration", "ServerSideEncryptionConfigurationNotFoundError", "NoSuchTagSet", "NoSuchTagSetError"]);

async function fact<T>(read: BucketRead, what: string, call: () => Promise<T>, absent: T): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    const name = (err as { name?: string; Code?: string }).name ?? (err as { Code?: string }).Code ?? "";
    if (ABSENT.has(name)) return absent;
    read.unknown.push(`${what}: ${name || "Error"}`);
    return undefined;
  }
}

async function readBuckets(c: AwsServiceClients): Promise<BucketRead[]> {
  const buckets = await collect(paginateListBuckets({ client: c.s3, pageSize: 1000 }, {}), (p) => p.Buckets);
  const out: BucketRead[] = [];
  for (const bucket of buckets) {
    const Bucket = bucket.Name;
    const read: BucketRead = { bucket, unknown: [] };
    if (Bucket) {
      const loc = await fact(read, "location", () => c.s3.send(new GetBucketLocationCommand({ Bucket })), undefined);
      read.region = bucket.BucketRegion ?? (loc ? loc.LocationConstraint || "us-east-1" : undefined);
      const pab = await fact(read, "publicAccessBlock", () => c.s3.send(new GetPublicAccessBlockCommand({ Bucket })), null);
      if (pab !== undefined) read.publicAccessBlock = pab ? (pab.PublicAccessBlockConfiguration ?? null) : null;
      const enc = await fact(read, "encryption", () => c.s3.send(new GetBucketEncryptionCommand({ Bucket })), null);
      if (enc !== undefined) read.encryption = enc ? (enc.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? null) : null;
      const tags = await fact(read, "tags", () => c.s3.send(new GetBucketTaggingCommand({ Bucket })), null);
      if (tags !== undefined) read.tags = tagMap(tags?.TagSet);
    }
    out.push(read);
  }
  const incomplete = out.filter((r) => r.unknown.length > 0);
  if (incomplete.length > 0) {
    throw Object.assign(new Error(`${incomplete.length} bucket(s) partly unread, e.g. ${incomplete[0]!.bucket.Name}: ${incomplete[0]!.unknown.join(", ")}`), {
      name: incomplete[0]!.unknown[0]!.split(": ")[1] ?? "Error",
      partialItems: out,
    });
  }
  return out;
}

export const s3Buckets: AwsServiceFamily<BucketRead> = {
  name: "s3-buckets",
  service: "s3:ListAllMyBuckets",
  calls: {
    paginateListBuckets: "s3:ListAllMyBuckets",
    GetBucketLocationCommand: "s3:GetBucketLocation",
    GetPublicAccessBlockCommand: "s3:GetBucketPublicAccessBlock",
    GetBucketEncryptionCommand: "s3:GetEncryptionConfiguration",
    GetBucketTaggingCommand: "s3:GetBucketTagging",
  },
  kinds: ["bucket"],
  global: true,
  get: readBuckets,
  transform(items, ctx) {
    const out = empty();
    for (const r of items) {
      const name = r.bucket.Name;
      if (!name) continue;
      const pab = r.publicAccessBlock;
      const blocked = pab ? !!(pab.BlockPublicAcls && pab.IgnorePublicAcls && pab.BlockPublicPolicy && pab.RestrictPublicBuckets) : pab === null ? false : null;
      out.resources.push(
        resource({
          uid: `arn:aws:s3:::${name}`,
          account: ctx.account,
          region: r.region ?? "",
          kind: "bucket",
          name: name.slice(0, 512),
          tags: r.tags ?? {},
          network: network({}),
          attributes: {
            publicAccessBlocked: blocked,
            blockPublicAcls: pab ? !!pab.BlockPublicAcls : pab === null ? false : null,
            blockPublicPolicy: pab ? !!pab.BlockPublicPolicy : pab === null ? false : null,
            encrypted: r.encryption === undefined ? null : r.encryption !== null,
            encryption: r.encryption ?? null,
            factsUnknown: r.unknown,
          },
        }),
      );
    }
    return out;
  },
};
