import { api, raise } from "$lib/server/api";
import type { ShareLinkView } from "$lib/components/evidence/types";
import type { PageServerLoad } from "./$types";

interface Access { at: string; method: string; path: string; status: number; ip: string | null; country: string | null; userAgent: string | null }

/** Every request made with one link, newest first. */
export const load: PageServerLoad = async (event) => {
  try {
    return await api(event).get<{ link: ShareLinkView; items: Access[] }>(`/v1/share-links/${encodeURIComponent(event.params.id)}/access`, { limit: 500 });
  } catch (e) {
    raise(e);
  }
};
