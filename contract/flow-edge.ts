import { z } from "zod";
import { IpAddress, Uid } from "./resource.js";

/**
 * A summarized flow between two addresses. Ephemeral client ports are dropped: the port
 * kept is the server side's (dstPort), and src is the client. Times are unix seconds.
 */
export const FlowEdge = z
  .object({
    srcIp: IpAddress,
    dstIp: IpAddress,
    /** Server port; 0 for protocols without ports (ICMP). */
    dstPort: z.number().int().min(0).max(65535),
    /** IANA protocol number (6 TCP, 17 UDP, 1 ICMP). */
    protocol: z.number().int().min(0).max(255),
    action: z.enum(["accept", "reject"]),
    packets: z.number().int().min(0),
    bytes: z.number().int().min(0),
    /** How many flow-log records were folded into this edge. */
    flows: z.number().int().min(1),
    firstSeen: z.number().int().min(0),
    lastSeen: z.number().int().min(0),
    srcUid: Uid.optional(),
    dstUid: Uid.optional(),
  })
  .refine((e) => e.firstSeen <= e.lastSeen, { message: "firstSeen must be <= lastSeen", path: ["firstSeen"] });
export type FlowEdge = z.infer<typeof FlowEdge>;
