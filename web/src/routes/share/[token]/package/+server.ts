import { raiseShare, shareApi } from "$lib/server/api";
import type { RequestHandler } from "./$types";

/** The assessor package (zip) for the evidence the link grants, built by the API and passed through. */
export const GET: RequestHandler = async (event) => {
  try {
    return await shareApi(event, event.params.token).download("/evidence/package");
  } catch (e) {
    raiseShare(e);
  }
};
