import { ERROR_STATUS, type ErrorCode } from "./codes.js";

/** The one error type routes, middleware and services throw; `onError` renders it. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra response headers, e.g. Retry-After on 429/503. */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: { headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "ApiError";
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.headers = options.headers ?? {};
  }
}

/** "resources.0.uid: Required; seq: Expected number" — zod issues with their paths. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[], max = 10): string {
  const shown = issues.slice(0, max).map((i) => `${i.path.length ? i.path.map(String).join(".") : "(root)"}: ${i.message}`);
  const more = issues.length > max ? `; and ${issues.length - max} more` : "";
  return shown.join("; ") + more;
}
