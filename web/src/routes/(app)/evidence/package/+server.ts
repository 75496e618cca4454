import { error } from "@sveltejs/kit";
import { apiDownload, raise } from "$lib/server/api";
import type { RequestHandler } from "./$types";

/** POST (a form button, no JavaScript needed): the assessor package, latest artifact of each kind. Building one is audited, hence not a GET. */
export const POST: RequestHandler = async (event) => {
  if (!event.locals.sessionToken) error(401, { message: "sign in first", code: "UNAUTHENTICATED" });
  try {
    return await apiDownload(event, "POST", "/v1/evidence/package", { body: {} });
  } catch (e) {
    raise(e);
  }
};
