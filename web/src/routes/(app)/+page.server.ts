import { api, raise } from "$lib/server/api";
import type { CollectorView, DriftEventView, Page, ScopeSummary, ViolationView } from "$lib/types";
import type { PageServerLoad } from "./$types";

/** Overview: the scope summary, open violations, recent drift and collector health, fetched in parallel. */
export const load: PageServerLoad = async (event) => {
  const client = api(event);
  try {
    const [summary, collectors, violations, drift] = await Promise.all([
      client.get<ScopeSummary>("/v1/scope/summary"),
      client.get<{ items: CollectorView[] }>("/v1/collectors"),
      client.get<Page<ViolationView>>("/v1/violations", { status: "open", limit: 5 }),
      client.get<Page<DriftEventView>>("/v1/drift", { limit: 8 }),
    ]);
    return { summary, collectors: collectors.items, violations: violations.items, moreViolations: violations.nextCursor !== null, drift: drift.items, now: Date.now() };
  } catch (e) {
    raise(e);
  }
};
