import { error } from "@sveltejs/kit";
import { apiDownload, raise } from "$lib/server/api";
import type { RequestHandler } from "./$types";

const FILES = new Set(["inventory.csv", "inventory.json", "findings.ocsf.jsonl", "findings.cef"]);

/** The API's streamed exports, passed through as downloads. */
export const GET: RequestHandler = async (event) => {
  if (!FILES.has(event.params.file)) error(404, { message: "no such export", code: "NOT_FOUND" });
  if (!event.locals.sessionToken) error(401, { message: "sign in first", code: "UNAUTHENTICATED" });
  try {
    return await apiDownload(event, "GET", `/v1/exports/${event.params.file}`);
  } catch (e) {
    raise(e);
  }
};
