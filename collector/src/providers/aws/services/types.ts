import { ECSClient } from "@aws-sdk/client-ecs";
import { EKSClient } from "@aws-sdk/client-eks";
import { ElasticLoadBalancingClient } from "@aws-sdk/client-elastic-load-balancing";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { RDSClient } from "@aws-sdk/client-rds";
import { S3Client } from "@aws-sdk/client-s3";
import type { ResourceKind } from "../../../../../contract/index.js";
import type { Discovered, RegionContext } from "../types.js";

/** Settings every service client gets: endpoint / credentials (tests, assumed roles), retries. */
export interface ServiceClientSettings {
  region: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  clientConfig?: Record<string, any>;
  maxAttempts?: number;
}

/** The non-EC2 clients of one region, made on first use and destroyed after the region is read. */
export class AwsServiceClients {
  private made: Array<{ destroy(): void }> = [];
  private cache = new Map<string, unknown>();
  constructor(private readonly settings: ServiceClientSettings) {}

  private get<T extends { destroy(): void }>(key: string, make: (cfg: Record<string, unknown>) => T): T {
    let c = this.cache.get(key) as T | undefined;
    if (!c) {
      c = make({ maxAttempts: this.settings.maxAttempts ?? 6, ...this.settings.clientConfig, region: this.settings.region });
      this.cache.set(key, c);
      this.made.push(c);
    }
    return c;
  }
  get elbv2() {
    return this.get("elbv2", (c) => new ElasticLoadBalancingV2Client(c));
  }
  get elb() {
    return this.get("elb", (c) => new ElasticLoadBalancingClient(c));
  }
  get ecs() {
    return this.get("ecs", (c) => new ECSClient(c));
  }
  get eks() {
    return this.get("eks", (c) => new EKSClient(c));
  }
  get rds() {
    return this.get("rds", (c) => new RDSClient(c));
  }
  get lambda() {
    return this.get("lambda", (c) => new LambdaClient(c));
  }
  get s3() {
    // Against a custom endpoint (a local or private S3) bucket names go in the path.
    return this.get("s3", (c) => new S3Client({ ...(c.endpoint ? { forcePathStyle: true } : {}), ...c }));
  }
  destroy(): void {
    for (const c of this.made) c.destroy();
  }
}

/**
 * A resource family read through a service other than EC2. `calls` maps each SDK command or
 * paginator the code uses to the IAM action it needs (S3's names differ from its actions);
 * the shipped policy grants exactly these. `global` families are read once, not per region.
 */
export interface AwsServiceFamily<T> {
  name: string;
  /** Coverage service, e.g. "rds:DescribeDBInstances". */
  service: string;
  calls: Record<string, string>;
  kinds: ResourceKind[];
  global?: boolean;
  get(clients: AwsServiceClients): Promise<T[]>;
  transform(items: T[], ctx: RegionContext): Discovered;
}
