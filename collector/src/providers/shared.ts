import type { Coverage, Provider, Resource, ResourceKind } from "../../../contract/index.js";
import type { Logger } from "../log.js";
import type { Discovered } from "./aws/types.js";

export { type Discovered, empty, network, uniq } from "./aws/types.js";

/** What one provider's discovery hands to the run: contract objects plus coverage. */
export interface Inventory extends Discovered {
  coverage: Coverage[];
}

export function emptyInventory(): Inventory {
  return { resources: [], rules: [], routes: [], coverage: [] };
}

/** Appends b to a, keeping the first of two resources with the same uid. */
export function mergeInventory(a: Inventory, b: Inventory): Inventory {
  const seen = new Set(a.resources.map((r) => r.uid));
  for (const r of b.resources) if (!seen.has(r.uid)) (seen.add(r.uid), a.resources.push(r));
  a.rules.push(...b.rules);
  a.routes.push(...b.routes);
  a.coverage.push(...b.coverage);
  return a;
}

/** The one log line that ends a provider's discovery: counts, what was not ok, and how long it took. */
export function logDiscoveryFinished(log: Logger | undefined, provider: Provider, where: Record<string, string[]>, inv: Inventory, started: number): void {
  log?.info(`${provider} discovery finished`, {
    ...where,
    resources: inv.resources.length,
    rules: inv.rules.length,
    routes: inv.routes.length,
    notOk: inv.coverage.filter((c) => c.status !== "ok").map((c) => `${c.account} ${c.region} ${c.service}: ${c.status}`),
    seconds: (Date.now() - started) / 1000,
  });
}

/** How a failed call is reported: denied and throttled are told apart for the log line. */
export type Failure = "denied" | "throttled" | "failed";

export interface ReadResult<T> {
  items: T[];
  status: Coverage["status"];
  reason?: string;
}

/**
 * Runs one list call. A failure keeps what earlier pages returned (`partialItems` on the
 * error, set by the paging helpers) and becomes `partial`; with nothing read it is `skipped`.
 * Never an empty `ok` list: an empty list would mean "everything was deleted".
 */
export async function readList<T>(
  get: () => Promise<T[]>,
  describe: (err: unknown) => { code: string; message: string; kind: Failure; status?: number | undefined },
  where: Record<string, unknown>,
  log?: Logger,
): Promise<ReadResult<T>> {
  try {
    const items = await get();
    log?.progress("discovery", { ...where, items: items.length });
    return { items, status: "ok" };
  } catch (err) {
    const d = describe(err);
    const partial = ((err as { partialItems?: T[] } | undefined)?.partialItems ?? []) as T[];
    log?.warn(d.kind === "denied" ? "discovery call denied" : d.kind === "throttled" ? "discovery call throttled" : "discovery call failed", {
      ...where,
      code: d.code,
      message: d.message,
      status: d.status,
    });
    return { items: partial, status: partial.length > 0 ? "partial" : "skipped", reason: `${d.code}: ${d.message}`.slice(0, 2048) };
  }
}

/** Drains an async iterator (an SDK pager) into a list; on error the pages read so far ride on the error. */
export async function drain<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const item of pages) out.push(item);
  } catch (err) {
    if (out.length > 0 && err && typeof err === "object") Object.assign(err, { partialItems: out });
    throw err;
  }
  return out;
}

export function coverageOf(
  provider: Provider,
  account: string,
  region: string,
  service: string,
  kinds: ResourceKind[],
  read: ReadResult<unknown>,
  count: number,
): Coverage {
  return { provider, account, region, service, kinds, status: read.status, count, ...(read.reason ? { reason: read.reason } : {}) };
}

/** Tags as the contract bounds them. */
export function boundedTags(tags: Record<string, string | undefined> | undefined | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags ?? {})) if (k) out[k.slice(0, 256)] = (v ?? "").slice(0, 512);
  return out;
}

export function emptyNetwork(): Resource["network"] {
  return { networks: [], subnets: [], securityGroups: [], privateIps: [], publicIps: [] };
}

/** The smallest set of IPv4 CIDRs that covers exactly start..end (e.g. a SQL firewall rule's range). */
export function ipv4RangeToCidrs(start: string, end: string): string[] {
  const toInt = (ip: string) => ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
  const toIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(start) || !/^\d+\.\d+\.\d+\.\d+$/.test(end)) return [];
  let lo = toInt(start);
  const hi = toInt(end);
  const out: string[] = [];
  while (lo <= hi) {
    let size = 32;
    // Grow the block while it stays aligned on lo and inside the range.
    while (size > 0) {
      const block = 2 ** (32 - (size - 1));
      if (lo % block !== 0 || lo + block - 1 > hi) break;
      size--;
    }
    out.push(`${toIp(lo)}/${size}`);
    lo += 2 ** (32 - size);
  }
  return out;
}
