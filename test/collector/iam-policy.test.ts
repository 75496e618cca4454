import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { AWS_FAMILIES } from "../../collector/src/providers/aws/index.js";
import { AWS_SERVICE_FAMILIES } from "../../collector/src/providers/aws/services/index.js";
import { FLOW_LOG_FORMAT_CALLS } from "../../collector/src/flowlogs/aws-flow-log-formats.js";
import { CLOUDWATCH_FLOWLOG_CALLS } from "../../collector/src/flowlogs/cloudwatch.js";
import { S3_FLOWLOG_CALLS } from "../../collector/src/flowlogs/s3.js";

const ROOT = resolve(import.meta.dirname, "../..");
const CALL = /\b(paginate[A-Z]\w+|[A-Z]\w+Command)\b/g;

/** SDK commands and paginators a directory's code uses. */
async function callsIn(dir: string): Promise<Set<string>> {
  const calls = new Set<string>();
  for (const file of await readdir(join(ROOT, dir))) {
    if (!file.endsWith(".ts")) continue;
    const src = await readFile(join(ROOT, dir, file), "utf8");
    for (const m of src.matchAll(CALL)) calls.add(m[1]!);
  }
  return calls;
}

/** EC2 actions the EC2 families call (paginateX / XCommand → ec2:X), as before. */
async function ec2ActionsInCode(): Promise<string[]> {
  return [...(await callsIn("collector/src/providers/aws"))]
    .filter((c) => c !== "AssumeRoleCommand")
    .map((c) => `ec2:${c.replace(/^paginate/, "").replace(/Command$/, "")}`)
    .sort();
}

async function granted(): Promise<string[]> {
  const policy = JSON.parse(await readFile(join(ROOT, "docs/permissions/aws-iam-policy.json"), "utf8"));
  return policy.Statement.flatMap((s: { Effect: string; Action: string[] }) => (s.Effect === "Allow" ? s.Action : [])).sort();
}

describe("shipped IAM policy", () => {
  it("grants exactly the actions the collector calls, and nothing that writes", async () => {
    const ec2 = await ec2ActionsInCode();
    expect(AWS_FAMILIES.flatMap((f) => [f.action, ...(f.alsoCalls ?? [])].map((a) => `ec2:${a}`)).sort()).toEqual(ec2);
    // Every SDK call in the service families must be declared, with the IAM action it needs
    // (one name can mean two actions: ECS's and EKS's paginateListClusters).
    const declared = new Map<string, Set<string>>();
    for (const f of AWS_SERVICE_FAMILIES) for (const [call, action] of Object.entries(f.calls)) declared.set(call, new Set([...(declared.get(call) ?? []), action]));
    const used = [...(await callsIn("collector/src/providers/aws/services"))];
    const undeclared = used.filter((c) => !declared.has(c));
    expect(undeclared, `calls without an IAM action: ${undeclared.join(", ")}`).toEqual([]);
    // Reading flow logs from S3 and CloudWatch Logs (and their formats): every SDK call there is declared too.
    const flowLogCalls: Record<string, string> = { ...S3_FLOWLOG_CALLS, ...CLOUDWATCH_FLOWLOG_CALLS, ...FLOW_LOG_FORMAT_CALLS };
    const flowUsed = [...(await callsIn("collector/src/flowlogs"))];
    expect(flowUsed.filter((c) => !flowLogCalls[c]), "flow-log calls without an IAM action").toEqual([]);
    expect(flowUsed.sort()).toEqual(Object.keys(flowLogCalls).sort());
    const needed = [...new Set([...ec2, ...used.flatMap((c) => [...declared.get(c)!]), ...flowUsed.map((c) => flowLogCalls[c]!)])].sort();
    const policy = await granted();
    const missing = needed.filter((a) => !policy.includes(a));
    expect(missing, `policy lacks ${missing.join(", ")}`).toEqual([]);
    expect(policy).toEqual(needed);
    expect(policy.every((a) => /^(ec2|elasticloadbalancing|rds):Describe[A-Za-z]+$|^ec2:(Get|Search)[A-Za-z]+$|^(lambda|s3|ecs|eks):(List|Get|Describe)[A-Za-z]+$|^logs:FilterLogEvents$/.test(a))).toBe(true);
  });

  it("the cross-account role template grants the same actions and requires the external id", async () => {
    const cfn = await readFile(join(ROOT, "docs/permissions/aws-cross-account-role.cfn.yaml"), "utf8");
    const actions = [...cfn.matchAll(/^\s+- ((?:ec2|elasticloadbalancing|rds|lambda|s3|ecs|eks|logs):\w+)\s*$/gm)].map((m) => m[1]!).sort();
    expect(actions).toEqual(await granted());
    expect(cfn).toMatch(/sts:ExternalId: !Ref ExternalId/);
    // Object reads are limited to the flow-log bucket and group, never every bucket in the account.
    const flowStatement = cfn.slice(cfn.indexOf("# Flow logs:"));
    expect(flowStatement).toMatch(/s3:::\$\{FlowLogBucket\}\/\*"/);
    expect(flowStatement).toMatch(/log-group:\$\{FlowLogGroup\}:\*"/);
    const policy = JSON.parse(await readFile(join(ROOT, "docs/permissions/aws-iam-policy.json"), "utf8"));
    for (const s of policy.Statement as Array<{ Action: string[]; Resource: string | string[] }>) {
      if (s.Action.some((a) => a === "s3:GetObject" || a === "logs:FilterLogEvents")) expect(s.Resource).not.toContain("*");
    }
  });
});
