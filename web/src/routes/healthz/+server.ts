import { json } from "@sveltejs/kit";
import { callApi } from "$lib/server/api";
import type { RequestHandler } from "./$types";

/** Up only when the API answers through the service binding: what `npm start` waits for. */
export const GET: RequestHandler = async (event) => {
  await callApi(event, "GET", "/healthz", undefined, null);
  return json({ ok: true, api: true });
};
