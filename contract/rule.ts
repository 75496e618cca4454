import { z } from "zod";
import { Uid } from "./resource.js";

/** Protocol by name, or an IANA protocol number as a decimal string. */
export const Protocol = z.union([z.enum(["tcp", "udp", "icmp", "icmpv6", "all"]), z.string().regex(/^\d{1,3}$/)]);
export type Protocol = z.infer<typeof Protocol>;

export const RulePeer = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("cidr"), value: z.string().min(1).max(64) }),
  /** Another security group / application security group / network tag, by uid or tag. */
  z.object({ kind: z.literal("group"), value: z.string().min(1).max(2048) }),
  z.object({ kind: z.literal("prefix_list"), value: z.string().min(1).max(2048) }),
  /** Azure service tags (Internet, VirtualNetwork...), GCP target service accounts. */
  z.object({ kind: z.literal("service_tag"), value: z.string().min(1).max(256) }),
  z.object({ kind: z.literal("any") }),
]);
export type RulePeer = z.infer<typeof RulePeer>;

/**
 * A security-group / NSG / firewall / NACL rule, normalized.
 * Stateful controls (security groups, NSGs, GCP firewalls) and stateless ones (NACLs)
 * share the shape; the owner's kind says which semantics apply.
 */
export const Rule = z
  .object({
    /** Stable and unique within the tenant, e.g. `${ownerUid}#ingress#3`. */
    id: z.string().min(1).max(2200),
    ownerUid: Uid,
    direction: z.enum(["ingress", "egress"]),
    protocol: Protocol,
    fromPort: z.number().int().min(0).max(65535),
    toPort: z.number().int().min(0).max(65535),
    peer: RulePeer,
    action: z.enum(["allow", "deny"]),
    /** Lower is evaluated first; 0 where the control has no order (AWS security groups). */
    priority: z.number().int().min(0).max(1_000_000),
    description: z.string().max(1024).optional(),
  })
  .refine((r) => r.fromPort <= r.toPort, { message: "fromPort must be <= toPort", path: ["fromPort"] });
export type Rule = z.infer<typeof Rule>;
