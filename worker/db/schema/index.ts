export * from "./tenants.js";
export * from "./api-keys.js";
export * from "./collectors.js";
export * from "./enrollment-tokens.js";
export * from "./batches.js";
export * from "./audit-log.js";
