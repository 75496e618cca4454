import {
  paginateDescribeTransitGatewayAttachments,
  paginateDescribeTransitGatewayRouteTables,
  paginateDescribeTransitGateways,
  paginateGetTransitGatewayRouteTableAssociations,
  paginateSearchTransitGatewayRoutes,
  type TransitGateway,
  type TransitGatewayAttachment,
  type TransitGatewayRoute,
  type TransitGatewayRouteTable,
  type TransitGatewayRouteTableAssociation,
} from "@aws-sdk/client-ec2";
import type { Route } from "../../../../contract/index.js";
import {
  type AwsFamily, collect, ec2Arn, empty, FollowUps, mapLimit, nameOf, network, PAGE_SIZE, type RegionContext, resource, tagMap, uniq,
} from "./types.js";

/** Transit gateways are `gateway` resources; VPC route entries name them as `transit_gateway` targets. */
export const transitGateways: AwsFamily<TransitGateway> = {
  name: "transit-gateways",
  action: "DescribeTransitGateways",
  kinds: ["gateway"],
  get: (client) => collect(paginateDescribeTransitGateways({ client, pageSize: PAGE_SIZE }, {}), (p) => p.TransitGateways),
  ownerIds: (items) => uniq(items.map((g) => g.OwnerId)),
  transform(items, ctx) {
    const out = empty();
    for (const g of items) {
      if (!g.TransitGatewayId || g.State === "deleted" || g.State === "deleting") continue;
      const account = g.OwnerId ?? ctx.account;
      const c = { ...ctx, account };
      const tags = tagMap(g.Tags);
      const o = g.Options ?? {};
      out.resources.push(
        resource({
          uid: tgwUid(c, g.TransitGatewayId),
          account,
          region: ctx.region,
          kind: "gateway",
          name: nameOf(tags, g.TransitGatewayId),
          tags,
          attributes: {
            gatewayType: "transit_gateway",
            transitGatewayId: g.TransitGatewayId,
            state: g.State ?? null,
            description: (g.Description ?? "").slice(0, 1024),
            amazonSideAsn: o.AmazonSideAsn ?? null,
            defaultRouteTableAssociation: o.DefaultRouteTableAssociation === "enable",
            defaultRouteTablePropagation: o.DefaultRouteTablePropagation === "enable",
            associationDefaultRouteTable: o.AssociationDefaultRouteTableId ? tgwRouteTableUid(c, o.AssociationDefaultRouteTableId) : null,
            autoAcceptSharedAttachments: o.AutoAcceptSharedAttachments === "enable",
          },
        }),
      );
    }
    return out;
  },
};

const GONE = new Set(["deleted", "deleting", "failed", "failing", "rejected", "rejecting"]);

/**
 * Attachments join a network (VPC, VPN, peering, Connect) to a transit gateway. They are
 * `peering` resources — plumbing, not systems — whose attributes name the gateway, the VPC
 * and the gateway route table the attachment is associated with: traffic entering the
 * gateway from that VPC is routed by that table.
 */
export const transitGatewayAttachments: AwsFamily<TransitGatewayAttachment> = {
  name: "transit-gateway-attachments",
  action: "DescribeTransitGatewayAttachments",
  kinds: ["peering"],
  get: (client) => collect(paginateDescribeTransitGatewayAttachments({ client, pageSize: PAGE_SIZE }, {}), (p) => p.TransitGatewayAttachments),
  ownerIds: () => [],
  transform(items, ctx) {
    const out = empty();
    for (const a of items) {
      if (!a.TransitGatewayAttachmentId || !a.TransitGatewayId || GONE.has(a.State ?? "")) continue;
      const owner = { ...ctx, account: a.TransitGatewayOwnerId ?? ctx.account };
      const resourceOwner = { ...ctx, account: a.ResourceOwnerId ?? ctx.account };
      const tags = tagMap(a.Tags);
      const vpcUid = a.ResourceType === "vpc" && a.ResourceId ? ec2Arn(resourceOwner, "vpc", a.ResourceId) : undefined;
      const associated = a.Association?.State === "associated" && a.Association.TransitGatewayRouteTableId ? tgwRouteTableUid(owner, a.Association.TransitGatewayRouteTableId) : null;
      out.resources.push(
        resource({
          uid: attachmentUid(owner, a.TransitGatewayAttachmentId),
          account: owner.account,
          region: ctx.region,
          kind: "peering",
          name: nameOf(tags, a.TransitGatewayAttachmentId),
          tags,
          parent: tgwUid(owner, a.TransitGatewayId),
          network: network({ networks: [vpcUid] }),
          attributes: {
            peeringType: "transit_gateway_attachment",
            transitGatewayAttachmentId: a.TransitGatewayAttachmentId,
            transitGateway: tgwUid(owner, a.TransitGatewayId),
            resourceType: a.ResourceType ?? null,
            resourceId: a.ResourceId ?? null,
            resourceOwnerId: a.ResourceOwnerId ?? null,
            attachedNetwork: vpcUid ?? null,
            associatedRouteTable: associated,
            state: a.State ?? null,
          },
        }),
      );
    }
    return out;
  },
};

export interface TgwRouteTableRead {
  table: TransitGatewayRouteTable;
  routes?: TransitGatewayRoute[] | undefined;
  associations?: TransitGatewayRouteTableAssociation[] | undefined;
}

/**
 * Transit gateway route tables with their routes (static and propagated, active and
 * blackhole) and the attachments associated with them. A table whose routes could not be
 * read is still sent, marked `routesRead: false`, so the engine does not take "no routes"
 * for "routes nothing".
 */
export const transitGatewayRouteTables: AwsFamily<TgwRouteTableRead> = {
  name: "transit-gateway-route-tables",
  action: "DescribeTransitGatewayRouteTables",
  alsoCalls: ["SearchTransitGatewayRoutes", "GetTransitGatewayRouteTableAssociations"],
  kinds: ["route_table"],
  async get(client) {
    const tables = await collect(paginateDescribeTransitGatewayRouteTables({ client, pageSize: PAGE_SIZE }, {}), (p) => p.TransitGatewayRouteTables);
    const follow = new FollowUps();
    const reads = await mapLimit(
      tables.filter((t) => t.TransitGatewayRouteTableId && !GONE.has(t.State ?? "")),
      4,
      async (table): Promise<TgwRouteTableRead> => {
        const TransitGatewayRouteTableId = table.TransitGatewayRouteTableId!;
        // The API requires a filter; these two states are every route that decides anything.
        const routes = await follow.read(`SearchTransitGatewayRoutes ${TransitGatewayRouteTableId}`, () =>
          collect(
            paginateSearchTransitGatewayRoutes({ client }, { TransitGatewayRouteTableId, Filters: [{ Name: "state", Values: ["active", "blackhole"] }] }),
            (p) => p.Routes,
          ),
        );
        const associations = await follow.read(`GetTransitGatewayRouteTableAssociations ${TransitGatewayRouteTableId}`, () =>
          collect(paginateGetTransitGatewayRouteTableAssociations({ client, pageSize: PAGE_SIZE }, { TransitGatewayRouteTableId }), (p) => p.Associations),
        );
        return { table, routes, associations };
      },
    );
    return follow.finish(reads);
  },
  ownerIds: () => [],
  transform(items, ctx) {
    const out = empty();
    for (const { table: t, routes, associations } of items) {
      if (!t.TransitGatewayRouteTableId || !t.TransitGatewayId) continue;
      const tags = tagMap(t.Tags);
      const uid = tgwRouteTableUid(ctx, t.TransitGatewayRouteTableId);
      const associated = (associations ?? []).filter((a) => a.State === "associated" || a.State === "associating");
      out.resources.push(
        resource({
          uid,
          account: ctx.account,
          region: ctx.region,
          kind: "route_table",
          name: nameOf(tags, t.TransitGatewayRouteTableId),
          tags,
          parent: tgwUid(ctx, t.TransitGatewayId),
          attributes: {
            routeTableType: "transit_gateway",
            transitGatewayRouteTableId: t.TransitGatewayRouteTableId,
            transitGateway: tgwUid(ctx, t.TransitGatewayId),
            defaultAssociationRouteTable: t.DefaultAssociationRouteTable ?? false,
            defaultPropagationRouteTable: t.DefaultPropagationRouteTable ?? false,
            routesRead: routes !== undefined,
            associationsRead: associations !== undefined,
            associations: uniq(associated.map((a) => (a.TransitGatewayAttachmentId ? attachmentUid(ctx, a.TransitGatewayAttachmentId) : undefined))).slice(0, 256),
          },
        }),
      );
      const seen = new Set<string>();
      for (const r of routes ?? []) {
        const route = tgwRoute(uid, r, ctx);
        if (!route || seen.has(route.id)) continue;
        seen.add(route.id);
        out.routes.push(route);
      }
    }
    return out;
  },
};

/** One transit gateway route → contract Route: target is the attachment it forwards to, or blackhole. */
export function tgwRoute(tableUid: string, r: TransitGatewayRoute, ctx: RegionContext): Route | undefined {
  const destination = r.DestinationCidrBlock ?? r.PrefixListId;
  if (!destination) return undefined;
  const blackhole = r.State === "blackhole";
  // ECMP (several VPN attachments) forwards to any of them; the first stands for the set.
  const attachment = (r.TransitGatewayAttachments ?? []).map((a) => a.TransitGatewayAttachmentId).find((id): id is string => !!id);
  return {
    id: `${tableUid}#${destination}`,
    tableUid,
    destination,
    target: blackhole ? { kind: "blackhole" } : attachment ? { kind: "transit_gateway", uid: attachmentUid(ctx, attachment) } : { kind: "other" },
    state: blackhole ? "blackhole" : "active",
  };
}

export const tgwUid = (ctx: RegionContext, id: string) => ec2Arn(ctx, "transit-gateway", id);
export const tgwRouteTableUid = (ctx: RegionContext, id: string) => ec2Arn(ctx, "transit-gateway-route-table", id);
export const attachmentUid = (ctx: RegionContext, id: string) => ec2Arn(ctx, "transit-gateway-attachment", id);
