import { raiseShare, shareApi } from "$lib/server/api";
import type { ShareInfo } from "$lib/components/evidence/types";
import type { LayoutServerLoad } from "./$types";

/**
 * An auditor's view through a share link: no sign-in, the token in the URL is the only
 * credential and is sent to the API on every load (the API logs each access). An expired or
 * revoked link is a 410 the error page explains; nothing here ever uses a session.
 */
export const load: LayoutServerLoad = async (event) => {
  try {
    const info = await shareApi(event, event.params.token).get<ShareInfo>("");
    return { info, base: `/share/${event.params.token}` };
  } catch (e) {
    raiseShare(e);
  }
};

