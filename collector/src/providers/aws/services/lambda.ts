import { type FunctionConfiguration, paginateListFunctions } from "@aws-sdk/client-lambda";
import { collect, ec2Arn, empty, network, resource } from "../types.js";
import type { AwsServiceFamily } from "./types.js";

export const lambdaFunctions: AwsServiceFamily<FunctionConfiguration> = {
  name: "lambda-functions",
  service: "lambda:ListFunctions",
  calls: { paginateListFunctions: "lambda:ListFunctions" },
  kinds: ["function"],
  get: (c) => collect(paginateListFunctions({ client: c.lambda, pageSize: 50 }, {}), (p) => p.Functions),
  transform(items, ctx) {
    const out = empty();
    for (const f of items) {
      if (!f.FunctionArn) continue;
      const account = f.FunctionArn.split(":")[4] || ctx.account;
      const c = { ...ctx, account };
      const v = f.VpcConfig;
      const inVpc = !!v?.VpcId;
      out.resources.push(
        resource({
          uid: f.FunctionArn,
          account,
          region: ctx.region,
          kind: "function",
          name: (f.FunctionName ?? "").slice(0, 512),
          network: network({
            networks: [inVpc ? ec2Arn(c, "vpc", v!.VpcId!) : undefined],
            subnets: (v?.SubnetIds ?? []).map((s) => ec2Arn(c, "subnet", s)),
            securityGroups: (v?.SecurityGroupIds ?? []).map((g) => ec2Arn(c, "security-group", g)),
          }),
          attributes: { runtime: f.Runtime ?? null, inVpc, role: f.Role ?? null, handler: f.Handler ?? null },
        }),
      );
    }
    return out;
  },
};
