import { exports } from "cloudflare:workers";

/** The web worker's `platform`, with the real API worker behind the `API` binding. */
export const platform = { env: { API: { fetch: (req: Request) => exports.default.fetch(req) }, API_PUBLIC_URL: "https://api.example" } } as unknown as App.Platform;

/** A minimal cookie jar with SvelteKit's `cookies` surface. */
export function cookieJar(initial: Record<string, string> = {}) {
  const jar = new Map(Object.entries(initial));
  const options = new Map<string, Record<string, unknown>>();
  return {
    jar,
    options,
    get: (name: string) => jar.get(name),
    getAll: () => [...jar].map(([name, value]) => ({ name, value })),
    set: (name: string, value: string, opts: Record<string, unknown>) => {
      jar.set(name, value);
      options.set(name, opts);
    },
    delete: (name: string) => void jar.delete(name),
    serialize: () => "",
  };
}

export function formRequest(url: string, fields: Record<string, string>): Request {
  return new Request(url, { method: "POST", body: new URLSearchParams(fields) });
}

/** Runs a load/action and returns what it threw (redirects and errors are thrown in SvelteKit). */
export async function thrown(fn: () => unknown): Promise<{ status?: number; location?: string; body?: { message: string } }> {
  try {
    await fn();
  } catch (e) {
    return e as { status?: number; location?: string; body?: { message: string } };
  }
  throw new Error("expected a throw");
}

/**
 * The seeded tenant once its scope is classified: under load the API may answer reads before
 * the classification that follows ingest has run, and the map and violations need it.
 */
export async function classifiedTenant<T extends { admin: string }>(tenant: Promise<T>, call: (m: string, p: string, o: { key: string }) => Promise<{ json: any }>): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const t = await tenant;
  for (let i = 0; i < 100; i++) {
    const s = (await call("GET", "/v1/scope/summary", { key: t.admin })).json;
    if (s.resources.total > 0 && !s.resources.byScope.unclassified && (s.resources.byScope.cde ?? 0) > 0 && s.flows.edges > 0) return t;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the seeded tenant was not classified within 10 s");
}
