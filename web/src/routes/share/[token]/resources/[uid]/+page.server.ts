import { redirect } from "@sveltejs/kit";
import { encodeUid, raiseShare, shareApi } from "$lib/server/api";
import type { ResourceDetail } from "$lib/types";
import type { PageServerLoad } from "./$types";

/** One resource for the auditor: its decision, every reason with its evidence, flows and rules. */
export const load: PageServerLoad = async (event) => {
  const { info, base } = await event.parent();
  if (!info.link.grants.scope) redirect(303, `${base}/evidence`);
  try {
    return { detail: await shareApi(event, event.params.token).get<ResourceDetail>(`/resources/${encodeUid(event.params.uid)}`) };
  } catch (e) {
    raiseShare(e);
  }
};
