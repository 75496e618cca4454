import type { FlowEdge, Resource, ResourceKind } from "../../../contract/index.js";
import type { Override, Scope } from "../../scope/types.js";

/** Row shapes of the object's SQLite tables and their conversion to contract types. */
export type ResourceRow = {
  uid: string;
  provider: string;
  account: string;
  region: string;
  kind: string;
  name: string;
  tags: string;
  network: string;
  attributes: string;
  parent: string | null;
  stale: number;
  first_seen: number;
  last_seen: number;
  scan_id: string;
};

export type FlowEdgeRow = {
  src_ip: string;
  dst_ip: string;
  dst_port: number;
  protocol: number;
  action: string;
  packets: number;
  bytes: number;
  flows: number;
  first_seen: number;
  last_seen: number;
  src_uid: string | null;
  dst_uid: string | null;
};

export const RESOURCE_COLUMNS =
  "uid, provider, account, region, kind, name, tags, network, attributes, parent, stale, first_seen, last_seen, scan_id";
export const FLOW_EDGE_COLUMNS =
  "src_ip, dst_ip, dst_port, protocol, action, packets, bytes, flows, first_seen, last_seen, src_uid, dst_uid";

export function resourceFromRow(row: ResourceRow): Resource {
  const resource: Resource = {
    uid: row.uid,
    provider: row.provider as Resource["provider"],
    account: row.account,
    region: row.region,
    kind: row.kind as ResourceKind,
    name: row.name,
    tags: JSON.parse(row.tags) as Resource["tags"],
    network: JSON.parse(row.network) as Resource["network"],
    attributes: JSON.parse(row.attributes) as Resource["attributes"],
  };
  if (row.parent !== null) resource.parent = row.parent;
  return resource;
}

export function flowEdgeFromRow(row: FlowEdgeRow): FlowEdge {
  const edge: FlowEdge = {
    srcIp: row.src_ip,
    dstIp: row.dst_ip,
    dstPort: row.dst_port,
    protocol: row.protocol,
    action: row.action as FlowEdge["action"],
    packets: row.packets,
    bytes: row.bytes,
    flows: row.flows,
    firstSeen: row.first_seen,
    lastSeen: row.last_seen,
  };
  if (row.src_uid !== null) edge.srcUid = row.src_uid;
  if (row.dst_uid !== null) edge.dstUid = row.dst_uid;
  return edge;
}

/** Lower-case haystack for the `q` filter: uid, name and `key=value` tags. */
export function searchText(resource: Resource): string {
  const tags = Object.entries(resource.tags).map(([k, v]) => `${k}=${v}`);
  return [resource.uid, resource.name, ...tags].join("\n").toLowerCase();
}

/**
 * When one address belongs to several resources (an instance and its NIC, a load balancer
 * and its public IP), flows are attributed to the workload first.
 */
const IP_RANK: Partial<Record<ResourceKind, number>> = {
  instance: 0,
  database: 1,
  function: 2,
  container_service: 3,
  k8s_cluster: 4,
  load_balancer: 5,
  endpoint: 6,
  gateway: 7,
  firewall: 8,
  nic: 9,
  public_ip: 10,
};
export function ipRank(kind: ResourceKind): number {
  return IP_RANK[kind] ?? 20;
}

export type OverrideRow = {
  uid: string;
  scope: string;
  justification: string;
  author: string;
  created_at: string;
  expires_at: string | null;
};

export function overrideFromRow(row: OverrideRow): Override {
  const o: Override = { uid: row.uid, scope: row.scope as Scope, justification: row.justification, author: row.author, createdAt: row.created_at };
  if (row.expires_at !== null) o.expiresAt = row.expires_at;
  return o;
}
