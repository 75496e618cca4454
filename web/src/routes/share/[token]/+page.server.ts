import { redirect } from "@sveltejs/kit";
import { raiseShare, shareApi } from "$lib/server/api";
import type { ScopeSummary } from "$lib/types";
import type { PageServerLoad } from "./$types";

/** The link's landing page: the scope summary, or straight to the evidence for an evidence-only link. */
export const load: PageServerLoad = async (event) => {
  const { info, base } = await event.parent();
  if (!info.link.grants.scope) redirect(303, `${base}/evidence`);
  try {
    return { summary: await shareApi(event, event.params.token).get<ScopeSummary>("/scope/summary") };
  } catch (e) {
    raiseShare(e);
  }
};
