import { redirect } from "@sveltejs/kit";
import type { LayoutServerLoad } from "./$types";

/** Every page in (app) needs a signed-in user; hooks.server.ts already loaded them once. */
export const load: LayoutServerLoad = ({ locals, url }) => {
  if (!locals.me) redirect(303, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
  return { me: locals.me };
};
