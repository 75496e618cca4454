/**
 * Every machine-readable error the API returns. Clients (the collector, the web app) branch
 * on these strings, so they are part of the public contract: add, never rename.
 */
export type ErrorCode =
  | "INVALID_REQUEST"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "RATE_LIMITED"
  | "INTERNAL"
  | "UNAVAILABLE"
  // ingest
  | "MISSING_SIGNATURE"
  | "INVALID_SIGNATURE"
  | "UNKNOWN_COLLECTOR"
  | "COLLECTOR_REVOKED"
  | "TIMESTAMP_OUT_OF_WINDOW"
  | "MALFORMED_BATCH"
  | "BATCH_TOO_LARGE"
  | "SEQ_CONFLICT"
  // a state change the object's current state does not allow (e.g. acknowledging a resolved violation)
  | "CONFLICT"
  // enrollment
  | "ENROLLMENT_TOKEN_INVALID"
  | "ENROLLMENT_TOKEN_USED"
  | "ENROLLMENT_TOKEN_EXPIRED"
  // accounts
  | "EMAIL_TAKEN"
  | "INVITE_INVALID"
  // auditor share links
  | "SHARE_LINK_EXPIRED"
  | "SHARE_LINK_REVOKED";

/** The one table from code to HTTP status. */
export const ERROR_STATUS = {
  INVALID_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  MISSING_SIGNATURE: 401,
  INVALID_SIGNATURE: 401,
  UNKNOWN_COLLECTOR: 401,
  COLLECTOR_REVOKED: 403,
  TIMESTAMP_OUT_OF_WINDOW: 401,
  MALFORMED_BATCH: 400,
  BATCH_TOO_LARGE: 413,
  SEQ_CONFLICT: 409,
  CONFLICT: 409,
  ENROLLMENT_TOKEN_INVALID: 401,
  ENROLLMENT_TOKEN_USED: 409,
  ENROLLMENT_TOKEN_EXPIRED: 401,
  EMAIL_TAKEN: 409,
  INVITE_INVALID: 410,
  SHARE_LINK_EXPIRED: 410,
  SHARE_LINK_REVOKED: 410,
} as const satisfies Record<ErrorCode, number>;

export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];
