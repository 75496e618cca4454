import { type CloudWatchLogsClient, paginateFilterLogEvents } from "@aws-sdk/client-cloudwatch-logs";
import type { Logger } from "../log.js";
import { AwsVpcFlowLogParser, type FlowSink } from "./aws-vpc.js";
import { errorLine, type SourceRead, sourceCoverage, type WindowCheckpoint, WindowDedupe } from "./sources.js";

/** The SDK calls this module makes, with the IAM action each needs (the shipped policy grants exactly these). */
export const CLOUDWATCH_FLOWLOG_CALLS = { paginateFilterLogEvents: "logs:FilterLogEvents" } as const;

/**
 * VPC and Transit Gateway flow logs delivered to CloudWatch Logs: a log group with one
 * stream per interface (or attachment), each event's message one record in the flow log's
 * format, without a header (default v2 and TGW v6 are recognised; a custom LogFormat is
 * configured). FilterLogEvents reads every stream of the group from `lookbackMs` before
 * the newest event seen, so that events delivered late are still read; events already
 * summarized are skipped by (stream, event id).
 */
export interface CloudWatchCheckpoint {
  since: number;
  window?: WindowCheckpoint;
}

export interface CloudWatchReadOptions {
  logGroup: string;
  region: string;
  client: CloudWatchLogsClient;
  sink: FlowSink;
  previous?: CloudWatchCheckpoint;
  since: number;
  lookbackMs: number;
  /** Field names of a custom LogFormat (parseLogFormat); default v2 and TGW v6 need none. */
  fields?: readonly string[];
  log?: Logger;
}

export async function readCloudWatchFlowLogs(opts: CloudWatchReadOptions): Promise<SourceRead<CloudWatchCheckpoint>> {
  const since = opts.previous?.since ?? opts.since;
  const window = new WindowDedupe(opts.previous?.window, opts.lookbackMs, since);
  const parser = new AwsVpcFlowLogParser(opts.sink, opts.fields);
  const failures: string[] = [];
  const streams = new Set<string>();
  let pages = 0;
  try {
    for await (const page of paginateFilterLogEvents({ client: opts.client }, { logGroupName: opts.logGroup, startTime: window.from })) {
      const lines: string[] = [];
      for (const e of page.events ?? []) {
        if (e.message === undefined || e.timestamp === undefined) continue;
        const stream = e.logStreamName ?? "";
        if (!window.admit(`${stream}\u0000${e.eventId ?? `${e.timestamp}:${e.message}`}`, e.timestamp)) continue;
        streams.add(stream);
        lines.push(e.message.trimEnd());
      }
      if (lines.length > 0) parser.push(Buffer.from(`${lines.join("\n")}\n`));
      pages++;
      opts.log?.progress("flowlogs", { source: `cloudwatch:${opts.logGroup}`, pages, streams: streams.size, records: parser.stats.records });
    }
  } catch (err) {
    // The pages read so far are summarized and their events marked: the next cycle goes on from there.
    failures.push(`logs:FilterLogEvents ${opts.logGroup}: ${errorLine(err)}`);
    opts.log?.warn("flow-log group not readable", { logGroup: opts.logGroup, region: opts.region, error: err as Error });
  }
  parser.end();
  return {
    source: `cloudwatch:${opts.region}:${opts.logGroup}`,
    stats: { ...parser.stats },
    units: streams.size,
    coverage: sourceCoverage("aws", opts.logGroup, opts.region, "logs:FilterLogEvents", failures, streams.size, pages + failures.length),
    checkpoint: { since, window: window.checkpoint() },
  };
}
