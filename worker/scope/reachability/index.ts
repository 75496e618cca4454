export { buildNetworkModel, type NetworkModel } from "./model.js";
export { canReach, endpointOf, evaluatePath, explainPath, INTERNET, type PathEval, type ReachAnswer } from "./path.js";
export { internetExposure, internetExposures, isInternetFacing, type InternetExposure } from "./exposure.js";
export type { Endpoint, Hop, HopStep } from "./layers.js";
