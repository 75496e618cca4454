import { existsSync } from "node:fs";
import { z } from "zod";
import { parseLogFormat } from "./flowlogs/aws-formats.js";

/**
 * Configuration comes from the environment, with CLI flags taking precedence. AWS access
 * itself is configured the SDK's standard way (credential chain, AWS_REGION,
 * AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_EC2): the collector does not re-implement any of it.
 */
const commaList = z
  .string()
  .optional()
  .transform((s) => (s ?? "").split(",").map((x) => x.trim()).filter(Boolean));

const EnvSchema = z.object({
  PSG_API_URL: z.url().optional(),
  PSG_STATE_DIR: z.string().min(1).optional(),
  PSG_ENROLL_TOKEN: z.string().min(16).max(256).optional(),
  PSG_COLLECTOR_NAME: z.string().min(1).max(128).optional(),
  PSG_AWS_REGIONS: commaList,
  PSG_AWS_ACCOUNT_ID: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id").optional(),
  AWS_REGION: z.string().optional(),
  AWS_DEFAULT_REGION: z.string().optional(),
  PSG_FLOWLOG_PATHS: commaList,
  PSG_INTERVAL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  PSG_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  PSG_SEND_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  PSG_AWS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  PSG_AWS_ROLE_ARNS: commaList,
  PSG_AWS_EXTERNAL_ID: z.string().min(2).max(1224).optional(),
  PSG_PROVIDERS: commaList,
  PSG_AZURE_SUBSCRIPTIONS: commaList,
  PSG_AZURE_ARM_ENDPOINT: z.url().optional(),
  PSG_AZURE_AUTHORITY_HOST: z.url().optional(),
  PSG_AZURE_TOKEN_SCOPE: z.string().min(1).optional(),
  PSG_GCP_PROJECTS: commaList,
  PSG_GCP_API_ENDPOINT: z.string().min(1).optional(),
  PSG_GCP_SQLADMIN_ENDPOINT: z.string().min(1).optional(),
  PSG_GCP_CONTAINER_ENDPOINT: z.string().min(1).optional(),
  // Flow logs where the clouds keep them.
  PSG_AWS_FLOWLOG_S3: commaList,
  PSG_AWS_FLOWLOG_CLOUDWATCH: commaList,
  PSG_AWS_FLOWLOG_FORMAT: z.string().min(1).optional(),
  PSG_AZURE_FLOWLOG_STORAGE: commaList,
  PSG_AZURE_FLOWLOG_CONNECTION_STRING: z.string().min(1).optional(),
  PSG_GCP_FLOWLOG_PROJECTS: commaList,
  PSG_GCP_LOGGING_ENDPOINT: z.url().optional(),
  PSG_FLOWLOG_SINCE_HOURS: z.coerce.number().min(0).max(24 * 90).default(24),
  PSG_FLOWLOG_LOOKBACK_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(20),
});

const GCP_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$|^[a-z0-9.-]+:[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
const AWS_REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const RoleArn = z.string().regex(ROLE_ARN, "not an IAM role ARN (arn:aws:iam::123456789012:role/name)");

/** A flow-log location in another account names the role that reads it: `…#role=arn:aws:iam::ACCOUNT:role/NAME`. */
export const S3FlowLogLocation = z.object({
  uri: z.string().regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/\S*)?$/, "not an S3 location (s3://bucket/prefix)"),
  roleArn: RoleArn.optional(),
});
export type S3FlowLogLocation = z.infer<typeof S3FlowLogLocation>;

export const CloudWatchFlowLogLocation = z.object({
  logGroup: z.string().regex(/^[\w./#-]{1,512}$/, "not a log group name"),
  region: z.string().regex(AWS_REGION_NAME, "not an AWS region name"),
  /** The account the group is in, when named (`group@ACCOUNT/region`). */
  account: z.string().regex(/^\d{12}$/, "not a 12-digit AWS account id").optional(),
  roleArn: RoleArn.optional(),
});
export type CloudWatchFlowLogLocation = z.infer<typeof CloudWatchFlowLogLocation>;

export const CollectorConfig = z.object({
  apiUrl: z.url().optional(),
  stateDir: z.string().min(1),
  enrollToken: z.string().optional(),
  name: z.string().optional(),
  awsRegions: z.array(z.string().regex(AWS_REGION_NAME, "not an AWS region name")),
  awsAccountId: z.string().optional(),
  flowLogPaths: z.array(z.string().min(1)),
  intervalSeconds: z.number().int().min(10),
  logLevel: z.enum(["debug", "info", "warn", "error"]),
  sendMaxAttempts: z.number().int().min(1),
  awsMaxAttempts: z.number().int().min(1),
  /** Several AWS accounts: the role to assume in each (with awsExternalId). */
  awsRoleArns: z.array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, "not an IAM role ARN")),
  awsExternalId: z.string().optional(),
  /** Which clouds to discover; by default each cloud that has something configured. */
  providers: z.array(z.enum(["aws", "azure", "gcp"])),
  azureSubscriptions: z.array(z.string().regex(/^[0-9a-fA-F-]{36}$/, "not an Azure subscription id (a GUID)")),
  azureArmEndpoint: z.url().optional(),
  azureAuthorityHost: z.url().optional(),
  azureTokenScope: z.string().optional(),
  gcpProjects: z.array(z.string().regex(GCP_PROJECT, "not a GCP project id")),
  gcpApiEndpoint: z.string().optional(),
  /** Cloud SQL Admin and GKE endpoints (private / restricted Google access, PSC, a test server). */
  gcpSqlAdminEndpoint: z.string().optional(),
  gcpContainerEndpoint: z.string().optional(),
  /** S3 locations of VPC/TGW flow logs (s3://bucket/prefix), each read with the collector's credentials or the role it names. */
  flowLogS3: z.array(S3FlowLogLocation),
  /** CloudWatch Logs groups holding flow logs, each in its region (and account), read with the role it names or its account's. */
  flowLogCloudWatch: z.array(CloudWatchFlowLogLocation),
  /** The custom LogFormat of the CloudWatch flow logs (field names); default v2 and TGW v6 need none. */
  flowLogFormat: z.array(z.string()).optional(),
  /** Storage accounts (blob endpoints) Network Watcher writes NSG/VNet flow logs to. */
  azureFlowLogStorage: z.array(z.url().regex(/^https:\/\//, "must be an https blob endpoint")),
  azureFlowLogConnectionString: z.string().regex(/(^|;)(AccountName|BlobEndpoint)=/, "a storage connection string names AccountName or BlobEndpoint").optional(),
  gcpFlowLogProjects: z.array(z.string().regex(GCP_PROJECT, "not a GCP project id")),
  gcpLoggingEndpoint: z.url().optional(),
  /** A source never read before is read from this many hours back (not its whole history). */
  flowLogSinceHours: z.number().min(0),
  /** How late a CloudWatch event or Logging entry may arrive and still be read once. */
  flowLogLookbackMinutes: z.number().int().min(0),
});
export type CollectorConfig = z.infer<typeof CollectorConfig>;

export interface ConfigFlags {
  api?: string;
  stateDir?: string;
  interval?: string | number;
  regions?: string;
  flowLogs?: string;
}

/** In the container the state volume is /var/lib/psg; elsewhere ./.psg. */
export function defaultStateDir(): string {
  return existsSync("/.dockerenv") || process.env.PSG_IN_CONTAINER === "1" ? "/var/lib/psg" : "./.psg";
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, flags: ConfigFlags = {}): CollectorConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error));
  const e = parsed.data;
  const regions = flags.regions
    ? flags.regions.split(",").map((s) => s.trim()).filter(Boolean)
    : e.PSG_AWS_REGIONS.length > 0
      ? e.PSG_AWS_REGIONS
      : [e.AWS_REGION ?? e.AWS_DEFAULT_REGION].filter((r): r is string => !!r);
  const candidate = {
    apiUrl: flags.api ?? e.PSG_API_URL,
    stateDir: flags.stateDir ?? e.PSG_STATE_DIR ?? defaultStateDir(),
    enrollToken: e.PSG_ENROLL_TOKEN,
    name: e.PSG_COLLECTOR_NAME,
    awsRegions: [...new Set(regions)],
    awsAccountId: e.PSG_AWS_ACCOUNT_ID,
    flowLogPaths: flags.flowLogs ? flags.flowLogs.split(",").map((s) => s.trim()).filter(Boolean) : e.PSG_FLOWLOG_PATHS,
    intervalSeconds: flags.interval !== undefined ? Number(flags.interval) : e.PSG_INTERVAL_SECONDS,
    logLevel: e.PSG_LOG_LEVEL,
    sendMaxAttempts: e.PSG_SEND_MAX_ATTEMPTS,
    awsMaxAttempts: e.PSG_AWS_MAX_ATTEMPTS,
    awsRoleArns: [...new Set(e.PSG_AWS_ROLE_ARNS)],
    awsExternalId: e.PSG_AWS_EXTERNAL_ID,
    providers: e.PSG_PROVIDERS.length > 0 ? [...new Set(e.PSG_PROVIDERS.map((p) => p.toLowerCase()))] : defaultProviders(regions, e.PSG_AZURE_SUBSCRIPTIONS, e.PSG_GCP_PROJECTS),
    azureSubscriptions: [...new Set(e.PSG_AZURE_SUBSCRIPTIONS)],
    azureArmEndpoint: e.PSG_AZURE_ARM_ENDPOINT,
    azureAuthorityHost: e.PSG_AZURE_AUTHORITY_HOST,
    azureTokenScope: e.PSG_AZURE_TOKEN_SCOPE,
    gcpProjects: [...new Set(e.PSG_GCP_PROJECTS)],
    gcpApiEndpoint: e.PSG_GCP_API_ENDPOINT,
    gcpSqlAdminEndpoint: e.PSG_GCP_SQLADMIN_ENDPOINT,
    gcpContainerEndpoint: e.PSG_GCP_CONTAINER_ENDPOINT,
    flowLogS3: [...new Set(e.PSG_AWS_FLOWLOG_S3)].map(s3Location),
    flowLogCloudWatch: [...new Set(e.PSG_AWS_FLOWLOG_CLOUDWATCH)].map((entry) => cloudWatchLocation(entry, regions[0], e.PSG_AWS_ROLE_ARNS, e.PSG_AWS_ACCOUNT_ID)),
    flowLogFormat: e.PSG_AWS_FLOWLOG_FORMAT ? logFormat(e.PSG_AWS_FLOWLOG_FORMAT) : undefined,
    azureFlowLogStorage: [...new Set(e.PSG_AZURE_FLOWLOG_STORAGE)],
    azureFlowLogConnectionString: e.PSG_AZURE_FLOWLOG_CONNECTION_STRING,
    gcpFlowLogProjects: [...new Set(e.PSG_GCP_FLOWLOG_PROJECTS)],
    gcpLoggingEndpoint: e.PSG_GCP_LOGGING_ENDPOINT,
    flowLogSinceHours: e.PSG_FLOWLOG_SINCE_HOURS,
    flowLogLookbackMinutes: e.PSG_FLOWLOG_LOOKBACK_MINUTES,
  };
  const result = CollectorConfig.safeParse(candidate);
  if (!result.success) throw new ConfigError(formatIssues(result.error));
  const c = result.data;
  if (c.providers.includes("azure") && c.azureSubscriptions.length === 0) throw new ConfigError("PSG_AZURE_SUBSCRIPTIONS: required when PSG_PROVIDERS includes azure");
  if (c.providers.includes("gcp") && c.gcpProjects.length === 0) throw new ConfigError("PSG_GCP_PROJECTS: required when PSG_PROVIDERS includes gcp");
  if (c.providers.includes("aws") && c.awsRegions.length === 0 && e.PSG_PROVIDERS.length > 0) throw new ConfigError("PSG_AWS_REGIONS: required when PSG_PROVIDERS includes aws (or set AWS_REGION)");
  return c;
}

/** `location#role=ARN` → the location and the role (only `role` is an option). */
function splitRole(variable: string, entry: string): { location: string; roleArn?: string } {
  const hash = entry.indexOf("#role=");
  const opt = /#([a-z]+)=/.exec(entry);
  if (hash < 0 && opt && variable === "PSG_AWS_FLOWLOG_S3") throw new ConfigError(`${variable}: ${JSON.stringify(entry)}: unknown option #${opt[1]}= (only #role=ARN)`);
  if (hash < 0) return { location: entry };
  return { location: entry.slice(0, hash), roleArn: entry.slice(hash + "#role=".length) };
}

/** Validates one location with its schema; the error names the variable and the value as written. */
function checked<T>(variable: string, entry: string, schema: z.ZodType<T>, candidate: unknown): T {
  const r = schema.safeParse(candidate);
  if (!r.success) throw new ConfigError(`${variable}: ${JSON.stringify(entry)}: ${r.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}`);
  return r.data;
}

/** `s3://bucket/prefix` or `s3://bucket/prefix#role=ARN` (a log-archive bucket in another account). */
function s3Location(entry: string): S3FlowLogLocation {
  const { location, roleArn } = splitRole("PSG_AWS_FLOWLOG_S3", entry);
  return checked("PSG_AWS_FLOWLOG_S3", entry, S3FlowLogLocation, { uri: location, ...(roleArn !== undefined ? { roleArn } : {}) });
}

/**
 * `group`, `group@region` or `group@ACCOUNT/region` (log group names cannot contain "@"),
 * optionally `#role=ARN`; without a region, the collector's first. A group that names its
 * account and no role is read (with its flow-log formats) through the PSG_AWS_ROLE_ARNS role
 * in that account; naming an account that has no role there (and is not PSG_AWS_ACCOUNT_ID) is an error.
 */
function cloudWatchLocation(entry: string, defaultRegion: string | undefined, roleArns: string[], ownAccount: string | undefined): CloudWatchFlowLogLocation {
  const V = "PSG_AWS_FLOWLOG_CLOUDWATCH";
  const { location, roleArn } = splitRole(V, entry);
  const [logGroup, where, extra] = location.split("@") as [string, string | undefined, string | undefined];
  if (extra !== undefined) throw new ConfigError(`${V}: ${JSON.stringify(entry)}: more than one "@" (group@region or group@ACCOUNT/region)`);
  const [account, region] = where?.includes("/") ? (where.split("/", 2) as [string, string]) : [undefined, where];
  const r = region ?? defaultRegion;
  if (!r) throw new ConfigError(`${V}: log group ${logGroup} needs a region (${logGroup}@us-east-1, or set PSG_AWS_REGIONS / AWS_REGION)`);
  const loc = checked(V, entry, CloudWatchFlowLogLocation, { logGroup, region: r, ...(account !== undefined ? { account } : {}), ...(roleArn !== undefined ? { roleArn } : {}) });
  if (loc.account && !loc.roleArn && loc.account !== ownAccount) {
    const role = roleArns.find((arn) => arn.split(":")[4] === loc.account);
    if (!role) throw new ConfigError(`${V}: ${JSON.stringify(entry)}: account ${loc.account} has no role in PSG_AWS_ROLE_ARNS (add one, or name it with #role=ARN)`);
    loc.roleArn = role;
  }
  return loc;
}

function logFormat(format: string): string[] {
  try {
    return parseLogFormat(format);
  } catch (err) {
    throw new ConfigError(`PSG_AWS_FLOWLOG_FORMAT: ${(err as Error).message}`);
  }
}

/** True when flow logs are to be read from any cloud location (not only files). */
export function hasRemoteFlowLogs(c: CollectorConfig): boolean {
  return c.flowLogS3.length + c.flowLogCloudWatch.length + c.azureFlowLogStorage.length + c.gcpFlowLogProjects.length > 0 || !!c.azureFlowLogConnectionString;
}

/** Without PSG_PROVIDERS: AWS when a region is known (the original behaviour), Azure and GCP when their scopes are set. */
function defaultProviders(awsRegions: string[], subscriptions: string[], projects: string[]): string[] {
  return [...(awsRegions.length > 0 ? ["aws"] : []), ...(subscriptions.length > 0 ? ["azure"] : []), ...(projects.length > 0 ? ["gcp"] : [])];
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("; ");
}
