import type { Resource, Route } from "../../../../contract/index.js";
import { uniq } from "../shared.js";
import { serviceAccountGroup, tagGroup } from "./types.js";

/**
 * Gives each instance the firewall rules that target it (all of its network's, or those
 * naming one of its tags or service accounts) and the tag / service-account groups it is a
 * member of, in `network.securityGroups`; turns next-hop addresses into the resource owning them.
 */
export function linkGcp(resources: Resource[], routes: Route[]): void {
  const firewallsByNetwork = new Map<string, Resource[]>();
  for (const f of resources) {
    if (f.kind !== "firewall" || !f.parent) continue;
    const list = firewallsByNetwork.get(f.parent) ?? [];
    list.push(f);
    firewallsByNetwork.set(f.parent, list);
  }
  const ownerOfIp = new Map<string, string>();
  for (const i of resources) {
    if (i.kind !== "instance" && i.kind !== "load_balancer") continue;
    for (const ip of i.network.privateIps) if (!ownerOfIp.has(ip)) ownerOfIp.set(ip, i.uid);
    if (i.kind !== "instance") continue;
    const tags = strings(i.attributes.networkTags);
    const accounts = strings(i.attributes.serviceAccounts);
    const groups: string[] = [];
    for (const net of i.network.networks) {
      groups.push(...tags.map((t) => tagGroup(net, t)), ...accounts.map((s) => serviceAccountGroup(net, s)));
      for (const f of firewallsByNetwork.get(net) ?? []) {
        const targetTags = strings(f.attributes.targetTags);
        const targetAccounts = strings(f.attributes.targetServiceAccounts);
        if (f.attributes.appliesToAll === true || targetTags.some((t) => tags.includes(t)) || targetAccounts.some((s) => accounts.includes(s))) groups.push(f.uid);
      }
    }
    i.network.securityGroups = uniq([...i.network.securityGroups, ...groups]).slice(0, 64);
  }
  for (const route of routes) {
    const uid = route.target.uid;
    if (!uid?.startsWith("ip:")) continue;
    const owner = ownerOfIp.get(uid.slice(3));
    if (owner) route.target.uid = owner;
    else delete route.target.uid;
  }
}

function strings(x: unknown): string[] {
  return Array.isArray(x) ? x.filter((s): s is string => typeof s === "string") : [];
}
