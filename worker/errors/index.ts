export { ApiError, describeIssues } from "./api-error.js";
export { ERROR_STATUS, type ErrorCode } from "./codes.js";
