import { error } from "@sveltejs/kit";
import { apiDownload, raise } from "$lib/server/api";
import type { RequestHandler } from "./$types";

const FILES = new Set(["json", "jws", "svg"]);

/** One artifact's exact stored bytes for a signed-in user (diagrams inline unless ?download). */
export const GET: RequestHandler = async (event) => {
  const { id, file } = event.params;
  if (!FILES.has(file) || !/^evd_[0-9a-f]{24}$/.test(id)) error(404, { message: "no such file", code: "NOT_FOUND" });
  if (!event.locals.sessionToken) error(401, { message: "sign in first", code: "UNAUTHENTICATED" });
  try {
    const res = await apiDownload(event, "GET", `/v1/evidence/${id}/${file}`);
    if (file === "svg" && event.url.searchParams.has("download")) res.headers.set("content-disposition", (res.headers.get("content-disposition") ?? "").replace(/^inline/, "attachment"));
    return res;
  } catch (e) {
    raise(e);
  }
};
