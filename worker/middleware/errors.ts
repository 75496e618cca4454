import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../context.js";
import { ApiError, type ErrorCode } from "../errors/index.js";

function render(c: Context<AppEnv>, err: ApiError): Response {
  const requestId = c.get("requestId") ?? "unknown";
  const body = { error: { code: err.code, message: err.message, requestId, docs: `${c.env.ERROR_DOCS_URL}#error-${err.code.toLowerCase().replace(/_/g, "-")}` } };
  return new Response(JSON.stringify(body), {
    status: err.status,
    headers: { "content-type": "application/json; charset=utf-8", "x-request-id": requestId, ...err.headers },
  });
}

/** The one place errors become responses: `{ error: { code, message, requestId, docs } }`. */
export const onError: ErrorHandler<AppEnv> = (err, c) => {
  if (err instanceof ApiError) return render(c, err);
  if (err instanceof HTTPException) {
    // Hono's own (e.g. a body it could not read): keep its status, map to our codes.
    const code: ErrorCode = err.status === 401 ? "UNAUTHENTICATED" : err.status === 404 ? "NOT_FOUND" : err.status < 500 ? "INVALID_REQUEST" : "INTERNAL";
    return render(c, new ApiError(code, err.message || "request failed"));
  }
  console.error(JSON.stringify({ level: "error", msg: "unhandled error", requestId: c.get("requestId"), error: String(err), stack: (err as Error).stack }));
  return render(c, new ApiError("INTERNAL", "internal error; quote the requestId when reporting it"));
};

export const notFound: NotFoundHandler<AppEnv> = (c) => render(c, new ApiError("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`));
