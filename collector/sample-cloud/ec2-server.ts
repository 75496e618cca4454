import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Instance, Tag } from "@aws-sdk/client-ec2";
import { errorXml, responseXml } from "./ec2-xml.js";
import { type Ec2Account, type Ec2Region, emptyRegion } from "./model.js";

/**
 * A local stand-in for the EC2 Query API, answering from an Ec2Account[] model on the real
 * wire format: form-encoded POSTs, XML in the 2016-11-15 namespace, NextToken paging,
 * UnauthorizedOperation (403) and RequestLimitExceeded (503) errors. The account is picked
 * by the access key id, the region from the SigV4 credential scope.
 */
export interface Ec2ServerOptions {
  accounts: Ec2Account[];
  port?: number;
  host?: string;
  /** Items per page when the caller does not ask for fewer with MaxResults. Default: no paging. */
  pageSize?: number;
  /** Answer every Nth request with RequestLimitExceeded (503). */
  throttleEvery?: number;
  /** Finer control: return true to throttle this request (n counts requests from 1). */
  throttle?: (action: string, n: number, params: URLSearchParams) => boolean;
  /** Delay added to every answer (benchmarks: injected API latency). */
  latencyMs?: number;
  /** accessKeyId → accountId; without it a single account serves every key, or the key names the account. */
  accessKeys?: Record<string, string>;
}

export interface Ec2Server {
  url: string;
  close(): Promise<void>;
  /** Actions received, in order, for assertions. */
  requests: Array<{ action: string; region: string; accountId: string; status: number }>;
}

interface ListSpec {
  member: string;
  items: (r: Ec2Region, accountId: string, params: URLSearchParams) => unknown[];
  ids?: string;
  idOf?: (x: never) => string | undefined;
}

const LISTS: Record<string, ListSpec> = {
  DescribeVpcs: { member: "Vpcs", items: (r) => r.vpcs, ids: "VpcId", idOf: (x: { VpcId?: string }) => x.VpcId },
  DescribeSubnets: { member: "Subnets", items: (r) => r.subnets, ids: "SubnetId", idOf: (x: { SubnetId?: string }) => x.SubnetId },
  DescribeSecurityGroups: { member: "SecurityGroups", items: (r) => r.securityGroups, ids: "GroupId", idOf: (x: { GroupId?: string }) => x.GroupId },
  DescribeNetworkInterfaces: {
    member: "NetworkInterfaces",
    items: (r) => r.networkInterfaces,
    ids: "NetworkInterfaceId",
    idOf: (x: { NetworkInterfaceId?: string }) => x.NetworkInterfaceId,
  },
  DescribeInstances: {
    member: "Reservations",
    items: (r, accountId) => r.instances.map((i) => reservation(i, accountId)),
    ids: "InstanceId",
    idOf: (x: { Instances: Instance[] }) => x.Instances[0]?.InstanceId,
  },
  DescribeRouteTables: { member: "RouteTables", items: (r) => r.routeTables, ids: "RouteTableId", idOf: (x: { RouteTableId?: string }) => x.RouteTableId },
  DescribeNetworkAcls: { member: "NetworkAcls", items: (r) => r.networkAcls, ids: "NetworkAclId", idOf: (x: { NetworkAclId?: string }) => x.NetworkAclId },
  DescribeInternetGateways: {
    member: "InternetGateways",
    items: (r) => r.internetGateways,
    ids: "InternetGatewayId",
    idOf: (x: { InternetGatewayId?: string }) => x.InternetGatewayId,
  },
  DescribeNatGateways: { member: "NatGateways", items: (r) => r.natGateways, ids: "NatGatewayId", idOf: (x: { NatGatewayId?: string }) => x.NatGatewayId },
  DescribeVpcPeeringConnections: {
    member: "VpcPeeringConnections",
    items: (r) => r.vpcPeeringConnections,
    ids: "VpcPeeringConnectionId",
    idOf: (x: { VpcPeeringConnectionId?: string }) => x.VpcPeeringConnectionId,
  },
  DescribeTransitGateways: { member: "TransitGateways", items: (r) => r.transitGateways ?? [] },
  DescribeTransitGatewayAttachments: { member: "TransitGatewayAttachments", items: (r) => r.transitGatewayAttachments ?? [] },
  DescribeTransitGatewayRouteTables: { member: "TransitGatewayRouteTables", items: (r) => r.transitGatewayRouteTables ?? [] },
  SearchTransitGatewayRoutes: { member: "Routes", items: (r, _a, p) => tgwTable(r, p)?.routes ?? [] },
  GetTransitGatewayRouteTableAssociations: { member: "Associations", items: (r, _a, p) => tgwTable(r, p)?.associations ?? [] },
  DescribeVpcEndpoints: { member: "VpcEndpoints", items: (r) => r.vpcEndpoints ?? [] },
  DescribeManagedPrefixLists: { member: "PrefixLists", items: (r) => r.managedPrefixLists ?? [] },
  GetManagedPrefixListEntries: { member: "Entries", items: (r, _a, p) => (r.managedPrefixLists ?? []).find((l) => l.PrefixListId === p.get("PrefixListId"))?.entries ?? [] },
};

function tgwTable(r: Ec2Region, params: URLSearchParams) {
  return (r.transitGatewayRouteTables ?? []).find((t) => t.TransitGatewayRouteTableId === params.get("TransitGatewayRouteTableId"));
}

function reservation(i: Instance, accountId: string) {
  return { ReservationId: `r-${(i.InstanceId ?? "0").replace(/^i-/, "")}`, OwnerId: accountId, Instances: [i], Groups: [] };
}

export function startEc2Server(opts: Ec2ServerOptions): Promise<Ec2Server> {
  let n = 0;
  const requests: Ec2Server["requests"] = [];
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => send(res, 500, errorXml("InternalError", String((err as Error).message), randomUUID())));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const params = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
    const action = params.get("Action") ?? "";
    if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs));
    const auth = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? "");
    const reply = (status: number, body: string, accountId = "", region = "") => {
      requests.push({ action, region, accountId, status });
      send(res, status, body);
    };
    // The sample company uses no load balancers, databases, functions or buckets: the other
    // services' list calls get their real, empty answers, so a full discovery reads "none".
    const empty = emptyServiceAnswer(req.method ?? "", req.url ?? "/", action, requestId, params.get("Version") ?? "", String(req.headers["x-amz-target"] ?? ""));
    if (empty) {
      requests.push({ action: empty.action, region: "", accountId: "", status: 200 });
      res.writeHead(200, { "content-type": empty.type, "x-amzn-requestid": requestId });
      res.end(empty.body);
      return;
    }
    if (req.method !== "POST") return reply(400, errorXml("InvalidAction", "EC2 Query API requests are POSTs", requestId));
    if (!auth) return reply(401, errorXml("AuthFailure", "AWS was not able to validate the provided access credentials", requestId));
    const [, accessKeyId, region] = auth as unknown as [string, string, string];
    const account = pickAccount(opts, accessKeyId);
    if (!account) return reply(401, errorXml("AuthFailure", `unknown access key ${accessKeyId}`, requestId));
    n += 1;
    if ((opts.throttleEvery && n % opts.throttleEvery === 0) || opts.throttle?.(action, n, params)) {
      return reply(503, errorXml("RequestLimitExceeded", "Request limit exceeded.", requestId), account.accountId, region);
    }
    const spec = LISTS[action];
    if (!spec) return reply(400, errorXml("InvalidAction", `The action ${action} is not valid for this web service.`, requestId), account.accountId, region);
    if (account.deniedActions?.includes(action)) {
      return reply(
        403,
        errorXml(
          "UnauthorizedOperation",
          `You are not authorized to perform this operation. User: arn:aws:iam::${account.accountId}:user/psg-collector is not authorized to perform: ec2:${action} because no identity-based policy allows the ec2:${action} action`,
          requestId,
        ),
        account.accountId,
        region,
      );
    }
    const world = account.regions[region] ?? emptyRegion();
    let items = spec.items(world, account.accountId, params);
    const ids = indexed(params, spec.ids ?? "");
    if (ids.length > 0 && spec.idOf) items = items.filter((x) => ids.includes((spec.idOf as (x: unknown) => string | undefined)(x) ?? ""));
    const filtered = applyFilters(items, filters(params));
    if ("error" in filtered) return reply(400, errorXml("InvalidParameterValue", filtered.error, requestId), account.accountId, region);
    const maxResults = params.get("MaxResults") ? Number(params.get("MaxResults")) : undefined;
    const size = Math.min(maxResults ?? Infinity, opts.pageSize ?? Infinity);
    const offset = params.get("NextToken") ? Number(Buffer.from(params.get("NextToken")!, "base64url").toString()) : 0;
    const page = Number.isFinite(size) ? filtered.items.slice(offset, offset + size) : filtered.items.slice(offset);
    const next = offset + page.length < filtered.items.length ? Buffer.from(String(offset + page.length)).toString("base64url") : undefined;
    const output: Record<string, unknown> = { [spec.member]: page, ...(next ? { NextToken: next } : {}) };
    return reply(200, responseXml(action, requestId, output), account.accountId, region);
  }

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${opts.host ?? "127.0.0.1"}:${port}`,
        requests,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/xml;charset=UTF-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function pickAccount(opts: Ec2ServerOptions, accessKeyId: string): Ec2Account | undefined {
  const mapped = opts.accessKeys?.[accessKeyId];
  if (mapped) return opts.accounts.find((a) => a.accountId === mapped);
  if (opts.accessKeys) return undefined;
  return opts.accounts.find((a) => a.accountId === accessKeyId) ?? (opts.accounts.length === 1 ? opts.accounts[0] : opts.accounts[0]);
}

/** `Name.1`, `Name.2`... → values. */
function indexed(params: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; params.has(`${name}.${i}`); i++) out.push(params.get(`${name}.${i}`)!);
  return out;
}

function filters(params: URLSearchParams): Array<{ name: string; values: string[] }> {
  const out: Array<{ name: string; values: string[] }> = [];
  for (let i = 1; params.has(`Filter.${i}.Name`); i++) out.push({ name: params.get(`Filter.${i}.Name`)!, values: indexed(params, `Filter.${i}.Value`) });
  return out;
}

/** The filters a discovery might reasonably use: vpc-id, subnet-id, tag:<key>, tag-key. */
function applyFilters(items: unknown[], fs: Array<{ name: string; values: string[] }>): { items: unknown[] } | { error: string } {
  let out = items;
  for (const f of fs) {
    const pick = (x: Record<string, unknown>): string[] => {
      const inner = (x.Instances as Array<Record<string, unknown>> | undefined)?.[0] ?? x;
      const tags = ((inner.Tags ?? inner.TagSet) as Tag[] | undefined) ?? [];
      if (f.name === "vpc-id") return [String(inner.VpcId ?? "")];
      if (f.name === "subnet-id") return [String(inner.SubnetId ?? "")];
      if (f.name === "state") return [String(inner.State ?? "")];
      if (f.name === "tag-key") return tags.map((t) => t.Key ?? "");
      if (f.name.startsWith("tag:")) return tags.filter((t) => t.Key === f.name.slice(4)).map((t) => t.Value ?? "");
      return [];
    };
    if (!["vpc-id", "subnet-id", "tag-key", "state"].includes(f.name) && !f.name.startsWith("tag:")) return { error: `The filter '${f.name}' is invalid` };
    out = out.filter((x) => pick(x as Record<string, unknown>).some((v) => f.values.includes(v)));
  }
  return { items: out };
}

const QUERY_EMPTY: Record<string, { xmlns: string; member: string }> = {
  DescribeLoadBalancers: { xmlns: "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/", member: "LoadBalancers" },
  DescribeTargetGroups: { xmlns: "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/", member: "TargetGroups" },
  DescribeDBInstances: { xmlns: "http://rds.amazonaws.com/doc/2014-10-31/", member: "DBInstances" },
  DescribeDBClusters: { xmlns: "http://rds.amazonaws.com/doc/2014-10-31/", member: "DBClusters" },
};

/** Empty list answers of ELB (classic and v2) and RDS (Query XML), Lambda and EKS (REST JSON), ECS (JSON 1.1) and S3 ListBuckets (REST XML). */
function emptyServiceAnswer(method: string, url: string, action: string, requestId: string, version: string, target: string): { action: string; type: string; body: string } | undefined {
  const path = url.split("?")[0] ?? "/";
  if (method === "GET" && /^\/2015-03-31\/functions\/?$/.test(path)) return { action: "lambda:ListFunctions", type: "application/json", body: JSON.stringify({ Functions: [] }) };
  if (method === "GET" && path === "/clusters") return { action: "eks:ListClusters", type: "application/json", body: JSON.stringify({ clusters: [] }) };
  if (method === "POST" && target === "AmazonEC2ContainerServiceV20141113.ListClusters") return { action: "ecs:ListClusters", type: "application/x-amz-json-1.1", body: JSON.stringify({ clusterArns: [] }) };
  if (method === "POST" && action === "DescribeLoadBalancers" && version === "2012-06-01") {
    const xmlns = "http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/";
    return { action: "elb:DescribeLoadBalancers", type: "text/xml", body: `<DescribeLoadBalancersResponse xmlns="${xmlns}"><DescribeLoadBalancersResult><LoadBalancerDescriptions/></DescribeLoadBalancersResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></DescribeLoadBalancersResponse>` };
  }
  if (method === "GET" && path === "/") {
    return {
      action: "s3:ListBuckets",
      type: "application/xml",
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>sample</ID></Owner><Buckets></Buckets></ListAllMyBucketsResult>`,
    };
  }
  const q = method === "POST" ? QUERY_EMPTY[action] : undefined;
  if (!q) return undefined;
  return {
    action,
    type: "text/xml",
    body: `<${action}Response xmlns="${q.xmlns}"><${action}Result><${q.member}/></${action}Result><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
  };
}
