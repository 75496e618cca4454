import { type EC2Client, paginateDescribeFlowLogs } from "@aws-sdk/client-ec2";
import { parseLogFormat } from "./aws-formats.js";

/** The SDK call this module makes, with the IAM action it needs (the shipped policy grants exactly these). */
export const FLOW_LOG_FORMAT_CALLS = { paginateDescribeFlowLogs: "ec2:DescribeFlowLogs" } as const;

/**
 * CloudWatch Logs events carry no header, so the field order of a custom format is learnt
 * from the flow logs that deliver to each log group (`LogFormat` of DescribeFlowLogs). A
 * group fed by flow logs of different formats maps to "mixed": its records are read by
 * what they look like (default v2, TGW v6), as for a group no flow log names.
 */
export type GroupFormats = Map<string, string[] | "mixed">;

export async function flowLogFormatsByGroup(client: EC2Client, groups: string[]): Promise<GroupFormats> {
  const out: GroupFormats = new Map();
  const wanted = new Set(groups);
  for await (const page of paginateDescribeFlowLogs({ client }, { Filter: [{ Name: "log-destination-type", Values: ["cloud-watch-logs"] }] })) {
    for (const fl of page.FlowLogs ?? []) {
      const group = fl.LogGroupName ?? groupOfArn(fl.LogDestination);
      if (!group || !wanted.has(group) || !fl.LogFormat) continue;
      let fields: string[];
      try {
        fields = parseLogFormat(fl.LogFormat);
      } catch {
        out.set(group, "mixed");
        continue;
      }
      const known = out.get(group);
      if (known === undefined) out.set(group, fields);
      else if (known !== "mixed" && known.join(" ") !== fields.join(" ")) out.set(group, "mixed");
    }
  }
  return out;
}

/** arn:aws:logs:REGION:ACCOUNT:log-group:NAME[:*] → NAME */
function groupOfArn(arn: string | undefined): string | undefined {
  const m = /:log-group:([^:]+)(?::\*)?$/.exec(arn ?? "");
  return m?.[1];
}
