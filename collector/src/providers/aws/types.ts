import type { EC2Client, Tag } from "@aws-sdk/client-ec2";
import type { NetworkFacts, Resource, ResourceKind, Route, Rule } from "../../../../contract/index.js";

/** Where a transform is running: the region and the account that owns what was listed. */
export interface RegionContext {
  region: string;
  account: string;
}

export interface Discovered {
  resources: Resource[];
  rules: Rule[];
  routes: Route[];
}

/**
 * One resource family: `get` makes the (paginated) SDK calls, `transform` turns the SDK's
 * shapes into the contract's, purely. `action` is the EC2 API action, which is also the
 * IAM action `ec2:<action>` the shipped policy must grant.
 */
export interface AwsFamily<T> {
  name: string;
  action: string;
  /** Further EC2 actions `get` makes (per-item reads such as route table searches); the policy grants them too. */
  alsoCalls?: string[];
  kinds: ResourceKind[];
  get(client: EC2Client): Promise<T[]>;
  /** Account ids the items carry (OwnerId), used to learn the account without STS. */
  ownerIds(items: T[]): string[];
  transform(items: T[], ctx: RegionContext): Discovered;
}

export function ec2Arn(ctx: RegionContext, type: string, id: string, account = ctx.account): string {
  return `arn:aws:ec2:${ctx.region}:${account}:${type}/${id}`;
}

export function tagMap(tags: Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key) out[t.Key.slice(0, 256)] = (t.Value ?? "").slice(0, 512);
  return out;
}

export function nameOf(tags: Record<string, string>, fallback: string): string {
  return (tags.Name || fallback).slice(0, 512);
}

type Maybe<T> = { [K in keyof T]?: T[K] extends Array<infer E> ? Array<E | undefined> : T[K] };

export function network(facts: Maybe<NetworkFacts>): NetworkFacts {
  return {
    networks: uniq(facts.networks),
    subnets: uniq(facts.subnets),
    securityGroups: uniq(facts.securityGroups),
    privateIps: uniq(facts.privateIps),
    publicIps: uniq(facts.publicIps),
  };
}

export function uniq(xs: Array<string | undefined> | undefined): string[] {
  return [...new Set((xs ?? []).filter((x): x is string => !!x))];
}

export function resource(r: Omit<Resource, "provider" | "tags" | "network" | "attributes"> & Partial<Resource>): Resource {
  return { provider: "aws", tags: {}, network: network({}), attributes: {}, ...r };
}

export function empty(): Discovered {
  return { resources: [], rules: [], routes: [] };
}

/** Drains an SDK paginator into one list. */
export async function collect<P, T>(pages: AsyncIterable<P>, pick: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const page of pages) out.push(...(pick(page) ?? []));
  } catch (err) {
    // Keep what earlier pages returned: the caller reports it as partial, not as nothing.
    if (out.length > 0 && err && typeof err === "object") Object.assign(err, { partialItems: out });
    throw err;
  }
  return out;
}

/** MaxResults for the Describe calls (EC2 allows 5–1000; DescribeRouteTables up to 100). */
export const PAGE_SIZE = 1000;

/**
 * Follow-up reads made per listed item (a route table's routes, a prefix list's entries).
 * A failed one is remembered and the item kept; `finish` then throws once, naming the first
 * failure's code, with every item as `partialItems`, so coverage says `partial` and why.
 */
export class FollowUps {
  private failed: Array<{ what: string; code: string; message: string }> = [];

  async read<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (err) {
      const e = err as { name?: string; Code?: string; message?: string };
      this.failed.push({ what, code: e.Code ?? e.name ?? "Error", message: e.message ?? "unknown error" });
      return undefined;
    }
  }

  finish<T>(items: T[]): T[] {
    const first = this.failed[0];
    if (!first) return items;
    throw Object.assign(new Error(`${this.failed.length} follow-up read(s) failed, first ${first.what}: ${first.message}`), { name: first.code, partialItems: items });
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight, keeping order. */
export async function mapLimit<I, R>(items: readonly I[], limit: number, fn: (item: I) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const k = next++;
      out[k] = await fn(items[k]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
