import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";
import { ApiError, describeIssues, type ErrorCode } from "../errors/index.js";

/** zod validation whose failures become INVALID_REQUEST (or the given code) naming the issue paths. */
export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(
  target: Target,
  schema: Schema,
  code: ErrorCode = "INVALID_REQUEST",
) {
  return zValidator(target, schema, (result) => {
    if (!result.success) throw new ApiError(code, `invalid ${target}: ${describeIssues(result.error.issues)}`);
  });
}
