import type { TokenCredential } from "@azure/core-auth";
import type { StoragePipelineOptions } from "@azure/storage-blob";
import type { AuthClient } from "google-auth-library";
import type { EC2ClientConfig } from "@aws-sdk/client-ec2";
import type { CollectorConfig } from "../config.js";
import type { Logger } from "../log.js";
import { roleCredentials } from "../providers/aws/accounts.js";
import type { FlowSink } from "./aws-vpc.js";
import type { GroupFormats } from "./aws-flow-log-formats.js";
import type { AzureBlobsCheckpoint } from "./azure-blobs.js";
import type { CloudWatchCheckpoint } from "./cloudwatch.js";
import type { GcpLoggingCheckpoint } from "./gcp-logging.js";
import type { S3Checkpoint } from "./s3.js";
import { emptyStats } from "./tuples.js";
import { errorLine, type RemoteSourceKind, type SourceRead, sourceCoverage } from "./sources.js";

/** Where each remote source got to, saved beside the file checkpoints once the edges are spooled. */
export interface RemoteCheckpoints {
  s3?: Record<string, S3Checkpoint>;
  cloudwatch?: Record<string, CloudWatchCheckpoint>;
  azure?: Record<string, AzureBlobsCheckpoint>;
  gcp?: Record<string, GcpLoggingCheckpoint>;
}

/** A source's read, with which checkpoint it belongs to. */
export type RemoteRead = SourceRead<unknown> & { kind: RemoteSourceKind; key: string; roleArn?: string };

export interface RemoteFlowLogOptions {
  config: CollectorConfig;
  sink: FlowSink;
  previous: RemoteCheckpoints;
  log?: Logger;
  now?: number;
  /** Extra AWS client settings (tests: endpoint + credentials). */
  awsClientConfig?: { endpoint?: string; credentials?: { accessKeyId: string; secretAccessKey: string } };
  /** The Azure credential for storage accounts named by URL (default: the collector's Azure credential chain). */
  azureCredential?: TokenCredential;
  azureStorageOptions?: StoragePipelineOptions;
  /** Default: Application Default Credentials with the logging.read scope. */
  gcpAuthClient?: AuthClient;
}

/**
 * Reads every configured cloud location into the one sink, one source after another (each
 * cloud's SDK loads only when it has a source). A source that cannot be reached at all is
 * reported `skipped` with the reason and keeps its checkpoint.
 */
export async function readRemoteFlowLogs(opts: RemoteFlowLogOptions): Promise<{ reads: RemoteRead[]; checkpoints: RemoteCheckpoints }> {
  const { config: c, log, sink } = opts;
  const since = (opts.now ?? Date.now()) - c.flowLogSinceHours * 3_600_000;
  const lookbackMs = c.flowLogLookbackMinutes * 60_000;
  const prev = opts.previous;
  const cp: RemoteCheckpoints = { s3: { ...prev.s3 }, cloudwatch: { ...prev.cloudwatch }, azure: { ...prev.azure }, gcp: { ...prev.gcp } };
  const reads: RemoteRead[] = [];
  const aws = { ...(opts.awsClientConfig ?? {}), maxAttempts: c.awsMaxAttempts };

  // A location in another account is read through the role it names (assumed once, shared by its clients).
  const roles = new Map<string, ReturnType<typeof roleCredentials>>();
  const through = (roleArn: string | undefined): { credentials?: ReturnType<typeof roleCredentials> } => {
    if (!roleArn) return {};
    let provider = roles.get(roleArn);
    if (!provider) {
      provider = roleCredentials({ roleArn, ...(c.awsExternalId ? { externalId: c.awsExternalId } : {}), clientConfig: { ...opts.awsClientConfig }, region: c.awsRegions[0] ?? "us-east-1", maxAttempts: c.awsMaxAttempts });
      roles.set(roleArn, provider);
    }
    return { credentials: provider };
  };
  try {
    if (c.flowLogS3.length > 0) {
      const { S3Client } = await import("@aws-sdk/client-s3");
      const { readS3FlowLogs } = await import("./s3.js");
      // A custom endpoint (AWS_ENDPOINT_URL[_S3], a local S3) is addressed path-style; AWS itself virtual-hosted.
      const customEndpoint = aws.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
      const clients = new Map<string, InstanceType<typeof S3Client>>();
      for (const { uri, roleArn } of c.flowLogS3) {
        let client = clients.get(roleArn ?? "");
        if (!client) {
          client = new S3Client({ region: c.awsRegions[0] ?? "us-east-1", followRegionRedirects: true, ...(customEndpoint ? { forcePathStyle: true } : {}), ...aws, ...through(roleArn) });
          clients.set(roleArn ?? "", client);
        }
        const r = await readS3FlowLogs({ uri, client, sink, previous: prev.s3?.[uri], since, ...(log ? { log } : {}) });
        cp.s3![uri] = r.checkpoint;
        reads.push({ ...r, kind: "s3", key: uri, ...(roleArn ? { roleArn } : {}) });
      }
    }
    if (c.flowLogCloudWatch.length > 0) {
      const { CloudWatchLogsClient } = await import("@aws-sdk/client-cloudwatch-logs");
      const { readCloudWatchFlowLogs } = await import("./cloudwatch.js");
      const clients = new Map<string, InstanceType<typeof CloudWatchLogsClient>>();
      const formats = c.flowLogFormat ? undefined : await learnFormats(c.flowLogCloudWatch, (region, roleArn) => ({ region, ...aws, ...through(roleArn) }), log);
      for (const { logGroup, region, roleArn } of c.flowLogCloudWatch) {
        const key = `${region}:${logGroup}`;
        const where = `${roleArn ?? ""}|${region}`;
        const client = clients.get(where) ?? new CloudWatchLogsClient({ region, ...aws, ...through(roleArn) });
        clients.set(where, client);
        const learnt = formats?.get(where)?.get(logGroup);
        const fields = c.flowLogFormat ?? (Array.isArray(learnt) ? learnt : undefined);
        const r = await readCloudWatchFlowLogs({ logGroup, region, client, sink, previous: prev.cloudwatch?.[key], since, lookbackMs, ...(fields ? { fields } : {}), ...(log ? { log } : {}) });
        cp.cloudwatch![key] = r.checkpoint;
        reads.push({ ...r, kind: "cloudwatch", key, ...(roleArn ? { roleArn } : {}) });
      }
    }
  } finally {
    for (const provider of roles.values()) provider.destroy();
  }
  const azureAccounts: Array<{ account: string; connectionString?: string }> = [
    ...c.azureFlowLogStorage.map((account) => ({ account })),
    ...(c.azureFlowLogConnectionString ? [{ account: connectionStringEndpoint(c.azureFlowLogConnectionString), connectionString: c.azureFlowLogConnectionString }] : []),
  ];
  if (azureAccounts.length > 0) {
    const { BlobServiceClient } = await import("@azure/storage-blob");
    const { readAzureFlowLogBlobs } = await import("./azure-blobs.js");
    let credential = opts.azureCredential;
    for (const { account, connectionString } of azureAccounts) {
      try {
        if (!connectionString && !credential) {
          const { azureCredential } = await import("../providers/azure/index.js");
          credential = azureCredential(c.azureAuthorityHost ? { authorityHost: c.azureAuthorityHost } : {});
        }
        const service = connectionString ? BlobServiceClient.fromConnectionString(connectionString, opts.azureStorageOptions) : new BlobServiceClient(account, credential, opts.azureStorageOptions);
        const r = await readAzureFlowLogBlobs({ account, service, sink, previous: prev.azure?.[account], since, ...(log ? { log } : {}) });
        cp.azure![account] = r.checkpoint;
        reads.push({ ...r, kind: "azure", key: account });
      } catch (err) {
        reads.push({ ...unreachable("azure", account, "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read", err, prev.azure?.[account]), kind: "azure", key: account });
      }
    }
  }
  if (c.gcpFlowLogProjects.length > 0) {
    const { readGcpFlowLogEntries } = await import("./gcp-logging.js");
    let authClient = opts.gcpAuthClient;
    for (const project of c.gcpFlowLogProjects) {
      try {
        if (!authClient) {
          const { GoogleAuth } = await import("google-auth-library");
          authClient = (await new GoogleAuth({ scopes: ["https://www.googleapis.com/auth/logging.read"] }).getClient()) as AuthClient;
        }
        const r = await readGcpFlowLogEntries({ project, ...(c.gcpLoggingEndpoint ? { endpoint: c.gcpLoggingEndpoint } : {}), authClient, sink, previous: prev.gcp?.[project], since, lookbackMs, ...(log ? { log } : {}) });
        cp.gcp![project] = r.checkpoint;
        reads.push({ ...r, kind: "gcp", key: project });
      } catch (err) {
        reads.push({ ...unreachable("gcp", project, "logging.logEntries.list", err, prev.gcp?.[project]), kind: "gcp", key: project });
      }
    }
  }
  for (const r of reads) if (r.coverage.status !== "ok") log?.warn("flow-log source not read whole", { source: r.source, status: r.coverage.status, reason: r.coverage.reason });
  return { reads, checkpoints: cp };
}

/**
 * Each CloudWatch group's format, from the flow logs delivering to it (one DescribeFlowLogs
 * listing per region and role: the flow logs are in the group's account). If that is
 * denied, groups are read by what their records look like. Keyed by `role|region`.
 */
async function learnFormats(
  groups: CollectorConfig["flowLogCloudWatch"],
  clientConfig: (region: string, roleArn: string | undefined) => EC2ClientConfig,
  log?: Logger,
): Promise<Map<string, GroupFormats>> {
  const { EC2Client } = await import("@aws-sdk/client-ec2");
  const { flowLogFormatsByGroup } = await import("./aws-flow-log-formats.js");
  const byWhere = new Map<string, GroupFormats>();
  for (const where of new Set(groups.map((g) => `${g.roleArn ?? ""}|${g.region}`))) {
    const here = groups.filter((g) => `${g.roleArn ?? ""}|${g.region}` === where);
    const { region, roleArn } = here[0]!;
    const ec2 = new EC2Client(clientConfig(region, roleArn));
    try {
      byWhere.set(where, await flowLogFormatsByGroup(ec2, here.map((g) => g.logGroup)));
    } catch (err) {
      log?.warn("flow-log formats not readable (ec2:DescribeFlowLogs): CloudWatch records are read as default v2 / TGW v6", { region, ...(roleArn ? { roleArn } : {}), error: errorLine(err) });
    } finally {
      ec2.destroy();
    }
  }
  return byWhere;
}

/** A source whose client could not even be made (no credential): skipped, checkpoint kept. */
function unreachable(provider: "azure" | "gcp", account: string, service: string, err: unknown, previous: unknown): SourceRead<unknown> {
  return { source: account, stats: emptyStats(), units: 0, coverage: sourceCoverage(provider, account, "", service, [errorLine(err)], 0, 1), checkpoint: previous };
}

/** The blob endpoint a connection string names (BlobEndpoint=, else the account's public one). */
export function connectionStringEndpoint(cs: string): string {
  const parts = Object.fromEntries(cs.split(";").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
  if (parts.BlobEndpoint) return parts.BlobEndpoint.replace(/\/+$/, "");
  if (parts.AccountName) return `https://${parts.AccountName}.blob.${parts.EndpointSuffix ?? "core.windows.net"}`;
  throw new Error("PSG_AZURE_FLOWLOG_CONNECTION_STRING: names neither BlobEndpoint nor AccountName");
}
