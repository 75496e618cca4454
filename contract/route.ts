import { z } from "zod";
import { Uid } from "./resource.js";

export const RouteTargetKind = z.enum([
  "local",
  "internet_gateway",
  "nat_gateway",
  "peering",
  "transit_gateway",
  "instance",
  "nic",
  "endpoint",
  "virtual_appliance",
  "vpn_gateway",
  "blackhole",
  "other",
]);
export type RouteTargetKind = z.infer<typeof RouteTargetKind>;

/** A route table entry, a peering or a transit attachment: what network reaches what. */
export const Route = z.object({
  /** Stable and unique within the tenant, e.g. `${tableUid}#10.1.0.0/16`. */
  id: z.string().min(1).max(2200),
  /** The route table (or peering / attachment) this entry belongs to. */
  tableUid: Uid,
  /** Destination CIDR, or a prefix list id. */
  destination: z.string().min(1).max(2048),
  target: z.object({ kind: RouteTargetKind, uid: Uid.optional() }),
  state: z.enum(["active", "blackhole"]).default("active"),
});
export type Route = z.infer<typeof Route>;
