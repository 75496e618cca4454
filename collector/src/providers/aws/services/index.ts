import { classicLoadBalancers } from "./classic-load-balancers.js";
import { ecsServices } from "./ecs.js";
import { eksClusters } from "./eks.js";
import { loadBalancersV2 } from "./load-balancers.js";
import { lambdaFunctions } from "./lambda.js";
import { rdsClusters, rdsInstances } from "./rds.js";
import { s3Buckets } from "./s3.js";
import type { AwsServiceFamily } from "./types.js";

/** Every non-EC2 AWS family; the IAM policy grants exactly the actions in their `calls`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const AWS_SERVICE_FAMILIES: ReadonlyArray<AwsServiceFamily<any>> = [
  loadBalancersV2,
  classicLoadBalancers,
  rdsInstances,
  rdsClusters,
  lambdaFunctions,
  ecsServices,
  eksClusters,
  s3Buckets,
];
