import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { AWS_FAMILIES } from "../../collector/src/providers/aws/index.js";

const ROOT = resolve(import.meta.dirname, "../..");

/** EC2 actions the provider code calls, read from the SDK commands and paginators it imports. */
async function actionsInCode(): Promise<string[]> {
  const dir = join(ROOT, "collector/src/providers/aws");
  const actions = new Set<string>();
  for (const file of await readdir(dir)) {
    if (!file.endsWith(".ts")) continue;
    const src = await readFile(join(dir, file), "utf8");
    for (const m of src.matchAll(/\b(?:paginate([A-Z]\w+)|([A-Z]\w+)Command)\b/g)) actions.add(`ec2:${m[1] ?? m[2]}`);
  }
  return [...actions].sort();
}

describe("shipped IAM policy", () => {
  it("grants exactly the EC2 actions the collector calls, and nothing that writes", async () => {
    const policy = JSON.parse(await readFile(join(ROOT, "docs/permissions/aws-iam-policy.json"), "utf8"));
    const granted: string[] = policy.Statement.flatMap((s: { Effect: string; Action: string[] }) => (s.Effect === "Allow" ? s.Action : []));
    const used = await actionsInCode();
    expect(used.length).toBeGreaterThanOrEqual(AWS_FAMILIES.length);
    const missing = used.filter((a) => !granted.includes(a));
    expect(missing, `policy lacks ${missing.join(", ")}`).toEqual([]);
    expect([...granted].sort()).toEqual(used);
    expect(granted.every((a) => /^ec2:Describe[A-Za-z]+$/.test(a))).toBe(true);
    // The registry and the code agree too.
    expect(AWS_FAMILIES.map((f) => `ec2:${f.action}`).sort()).toEqual(used);
  });
});
