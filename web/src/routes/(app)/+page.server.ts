import { api, raise } from "$lib/server/api";
import { TREND_DAYS } from "$lib/trend/chart";
import type { CollectorListItem, DriftEventView, Page, ScopeSummary, ScopeTrend, ViolationView } from "$lib/types";
import type { PageServerLoad } from "./$types";

/** Overview: the scope summary, its trend, open violations, recent drift and collector health, fetched in parallel. */
export const load: PageServerLoad = async (event) => {
  const client = api(event);
  const asked = Number(event.url.searchParams.get("trend"));
  const trendDays = (TREND_DAYS as readonly number[]).includes(asked) ? asked : 90;
  try {
    const [summary, trend, collectors, violations, drift] = await Promise.all([
      client.get<ScopeSummary>("/v1/scope/summary"),
      client.get<ScopeTrend>("/v1/scope/trend", { days: trendDays }),
      client.get<{ items: CollectorListItem[] }>("/v1/collectors"),
      client.get<Page<ViolationView>>("/v1/violations", { status: "open", limit: 5 }),
      client.get<Page<DriftEventView>>("/v1/drift", { limit: 8 }),
    ]);
    return { summary, trend, trendDays: TREND_DAYS, collectors: collectors.items, violations: violations.items, moreViolations: violations.nextCursor !== null, drift: drift.items, now: Date.now() };
  } catch (e) {
    raise(e);
  }
};
