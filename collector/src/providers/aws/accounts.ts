import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import type { Coverage } from "../../../../contract/index.js";
import { type AwsDiscoveryOptions, type AwsInventory, discoverAws } from "./index.js";

export interface AwsAccountsOptions extends AwsDiscoveryOptions {
  /** Roles to assume, one per account (arn:aws:iam::<account>:role/<name>). */
  roleArns: string[];
  /** The external id the roles' trust policies require (the confused-deputy guard). */
  externalId?: string;
  sessionName?: string;
}

/** `arn:aws:iam::123456789012:role/x` → `123456789012`. */
export function accountOfRole(roleArn: string): string {
  return roleArn.split(":")[4] ?? "";
}

/**
 * Several accounts: for each role, STS AssumeRole (with the external id) through the
 * collector's own credentials, then the whole discovery with the temporary credentials. An
 * account whose role cannot be assumed is reported as skipped for every family, with STS's
 * reason, and the other accounts go on.
 */
export async function discoverAwsAccounts(opts: AwsAccountsOptions): Promise<AwsInventory> {
  const inv: AwsInventory = { resources: [], rules: [], routes: [], coverage: [] };
  // EC2 client settings (endpoint, credentials) apply to STS too; only the shape of the types differs.
  const sts = new STSClient({ maxAttempts: opts.maxAttempts ?? 6, ...(opts.clientConfig as Record<string, unknown>), region: opts.regions[0] ?? "us-east-1" });
  try {
    for (const roleArn of opts.roleArns) {
      const account = accountOfRole(roleArn);
      let credentials;
      try {
        credentials = await assumeRole(sts, roleArn, opts.externalId, opts.sessionName);
      } catch (err) {
        const e = err as { name?: string; message?: string };
        opts.log?.warn("could not assume the account's role", { roleArn, code: e.name, message: e.message });
        for (const region of opts.regions) {
          inv.coverage.push(skippedAccount(account, region, `sts:AssumeRole ${roleArn}: ${e.name ?? "Error"}: ${e.message ?? ""}`));
        }
        continue;
      }
      opts.log?.info("discovering account", { account, roleArn });
      const one = await discoverAws({ ...opts, accountId: account, clientConfig: { ...opts.clientConfig, credentials } });
      inv.resources.push(...one.resources);
      inv.rules.push(...one.rules);
      inv.routes.push(...one.routes);
      inv.coverage.push(...one.coverage);
    }
  } finally {
    sts.destroy();
  }
  return inv;
}

/** Temporary credentials, in the shape every SDK client accepts. */
export interface AwsCredentialIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** STS AssumeRole (with the external id) through the caller's credentials: the role's temporary credentials. */
export async function assumeRole(sts: STSClient, roleArn: string, externalId?: string, sessionName?: string): Promise<AwsCredentialIdentity> {
  const out = await sts.send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName ?? "pci-scope-guard-collector", DurationSeconds: 3600, ...(externalId ? { ExternalId: externalId } : {}) }),
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw Object.assign(new Error("AssumeRole returned no credentials"), { name: "NoCredentials" });
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}), ...(c.Expiration ? { expiration: c.Expiration } : {}) };
}

export interface RoleCredentialsOptions {
  roleArn: string;
  externalId?: string;
  /** Settings of the STS client that assumes the role (tests: endpoint + the collector's own credentials). */
  clientConfig?: Record<string, unknown>;
  region: string;
  maxAttempts?: number;
}

/**
 * A credential provider for SDK clients that read through a role (a flow-log bucket or log
 * group in another account): assumes it on first use, again five minutes before the
 * credentials expire (a long read outlives them), and shares them between clients. A failed
 * AssumeRole is not remembered and its error names the role.
 */
export function roleCredentials(opts: RoleCredentialsOptions): (() => Promise<AwsCredentialIdentity>) & { destroy(): void } {
  let sts: STSClient | undefined;
  let current: Promise<AwsCredentialIdentity> | undefined;
  const fresh = (c: AwsCredentialIdentity) => !c.expiration || c.expiration.getTime() - Date.now() > 5 * 60_000;
  const provider = async () => {
    if (current) {
      const c = await current.catch(() => undefined);
      if (c && fresh(c)) return c;
    }
    sts ??= new STSClient({ maxAttempts: opts.maxAttempts ?? 6, ...opts.clientConfig, region: opts.region });
    current = assumeRole(sts, opts.roleArn, opts.externalId).catch((err: unknown) => {
      const e = err as { name?: string; message?: string; $metadata?: unknown };
      throw Object.assign(new Error(`sts:AssumeRole ${opts.roleArn}: ${e.message ?? String(err)}`), { name: e.name ?? "Error", $metadata: e.$metadata });
    });
    return current;
  };
  return Object.assign(provider, { destroy: () => sts?.destroy() });
}

function skippedAccount(account: string, region: string, reason: string): Coverage {
  return { provider: "aws", account, region, service: "sts:AssumeRole", kinds: ["other"], status: "skipped", reason: reason.slice(0, 2048) };
}
