import { api, raise } from "$lib/server/api";
import type { CollectorView, ScopeSummary } from "$lib/types";
import type { PageServerLoad } from "./$types";

/** Overview: the stored scope summary and collector health, fetched in parallel. */
export const load: PageServerLoad = async (event) => {
  const client = api(event);
  try {
    const [summary, collectors] = await Promise.all([
      client.get<ScopeSummary>("/v1/scope/summary"),
      client.get<{ items: CollectorView[] }>("/v1/collectors"),
    ]);
    return { summary, collectors: collectors.items, now: Date.now() };
  } catch (e) {
    raise(e);
  }
};
