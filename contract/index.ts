export * from "./resource.js";
export * from "./rule.js";
export * from "./route.js";
export * from "./flow-edge.js";
export * from "./batch.js";
export * from "./signing.js";
export * from "./api.js";
