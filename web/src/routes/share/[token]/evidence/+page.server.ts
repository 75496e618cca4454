import { raiseShare, shareApi } from "$lib/server/api";
import type { ArtifactView } from "$lib/components/evidence/types";
import type { PageServerLoad } from "./$types";

/** The signed artifacts the link grants, newest first, with the public keys to check them against. */
export const load: PageServerLoad = async (event) => {
  const { info } = await event.parent();
  if (info.link.grants.evidence === "none") return { items: [] as ArtifactView[], kids: [] as string[], granted: false };
  const client = shareApi(event, event.params.token);
  try {
    const [list, jwks] = await Promise.all([client.get<{ items: ArtifactView[] }>("/evidence"), client.get<{ keys: { kid: string }[] }>("/evidence/jwks")]);
    return { items: list.items, kids: jwks.keys.map((k) => k.kid), granted: true };
  } catch (e) {
    raiseShare(e);
  }
};
