import { error } from "@sveltejs/kit";
import { raiseShare, shareApi } from "$lib/server/api";
import type { RequestHandler } from "./$types";

const FILES = new Set(["json", "jws", "svg"]);

/** One artifact's exact bytes through the link: the canonical JSON, its detached JWS, or its diagram (inline unless ?download). */
export const GET: RequestHandler = async (event) => {
  const { id, file } = event.params;
  if (!FILES.has(file) || !/^evd_[0-9a-f]{24}$/.test(id)) error(404, { message: "no such file", code: "NOT_FOUND" });
  try {
    const res = await shareApi(event, event.params.token).download(`/evidence/${id}/${file}`);
    if (file === "svg" && event.url.searchParams.has("download")) res.headers.set("content-disposition", (res.headers.get("content-disposition") ?? "").replace(/^inline/, "attachment"));
    return res;
  } catch (e) {
    raiseShare(e);
  }
};
