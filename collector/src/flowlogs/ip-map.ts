import type { Resource } from "../../../contract/index.js";

/**
 * Address → resource uid, from the inventory. An instance wins over its NIC (scope is
 * decided for the instance), a NIC over anything else that lists the address.
 */
export function ipToUid(resources: Resource[]): Map<string, string> {
  const rank: Partial<Record<Resource["kind"], number>> = { instance: 3, nic: 2, database: 3, load_balancer: 2, gateway: 1 };
  const best = new Map<string, { uid: string; rank: number }>();
  for (const r of resources) {
    const score = rank[r.kind];
    if (score === undefined) continue;
    // A NIC attached to an instance stands for that instance.
    const uid = r.kind === "nic" && r.parent ? r.parent : r.uid;
    const s = r.kind === "nic" && r.parent ? 3 : score;
    for (const ip of [...r.network.privateIps, ...r.network.publicIps]) {
      const cur = best.get(ip);
      if (!cur || s > cur.rank) best.set(ip, { uid, rank: s });
    }
  }
  return new Map([...best].map(([ip, v]) => [ip, v.uid]));
}
