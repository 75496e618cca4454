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
        const out = await sts.send(
          new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: opts.sessionName ?? "pci-scope-guard-collector", DurationSeconds: 3600, ...(opts.externalId ? { ExternalId: opts.externalId } : {}) }),
        );
        const c = out.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey) throw Object.assign(new Error("AssumeRole returned no credentials"), { name: "NoCredentials" });
        credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}), ...(c.Expiration ? { expiration: c.Expiration } : {}) };
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

function skippedAccount(account: string, region: string, reason: string): Coverage {
  return { provider: "aws", account, region, service: "sts:AssumeRole", kinds: ["other"], status: "skipped", reason: reason.slice(0, 2048) };
}
