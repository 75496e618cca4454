import type { Resource, Route } from "../../../../contract/index.js";
import { uniq } from "../shared.js";

/**
 * Joins what Azure spreads over several lists, purely: public IP resources give NICs, load
 * balancers and firewalls their addresses; subnets name their NSG and route table; a VM's
 * network facts are its NICs'; load-balancer pools become target VMs; a virtual appliance
 * next hop (an address) and a firewall's DNAT target become the resource that owns them.
 */
export function linkAzure(resources: Resource[], routes: Route[]): void {
  const byUid = new Map(resources.map((r) => [r.uid, r]));
  const publicIp = new Map<string, string>();
  for (const r of resources) if (r.kind === "public_ip" && typeof r.attributes.ipAddress === "string") publicIp.set(r.uid, r.attributes.ipAddress);

  for (const r of resources) {
    const ids = r.attributes.publicIpIds;
    if (Array.isArray(ids)) r.network.publicIps = uniq([...r.network.publicIps, ...ids.map((id) => publicIp.get(id))]);
  }

  for (const s of resources) {
    if (s.kind !== "subnet") continue;
    for (const ref of [s.attributes.networkSecurityGroup, s.attributes.routeTable]) {
      const owner = typeof ref === "string" ? byUid.get(ref) : undefined;
      if (!owner) continue;
      owner.network.subnets = uniq([...owner.network.subnets, s.uid]);
      owner.network.networks = uniq([...owner.network.networks, ...s.network.networks]);
    }
  }

  for (const nic of resources) {
    if (nic.kind !== "nic" || !nic.parent) continue;
    const vm = byUid.get(nic.parent);
    if (!vm || vm.kind !== "instance") continue;
    for (const key of ["networks", "subnets", "securityGroups", "privateIps", "publicIps"] as const) vm.network[key] = uniq([...vm.network[key], ...nic.network[key]]);
  }

  // An ASG has no rules of its own: NSG rules name it as a peer, and its members are the NICs (and their VMs) listing it.
  for (const asg of resources) {
    if (asg.attributes.applicationSecurityGroup !== true) continue;
    const members = resources.filter((r) => (r.kind === "nic" || r.kind === "instance") && r.network.securityGroups.includes(asg.uid)).map((r) => r.uid);
    asg.attributes.members = uniq(members).slice(0, 256);
  }

  // Which resource a private address belongs to: a NIC's VM, else the NIC, firewall or load balancer.
  const ownerOfIp = new Map<string, string>();
  for (const r of resources) {
    if (r.kind !== "nic" && r.kind !== "firewall" && r.kind !== "load_balancer") continue;
    const owner = r.kind === "nic" && r.parent && byUid.has(r.parent) ? r.parent : r.uid;
    for (const ip of r.network.privateIps) if (!ownerOfIp.has(ip)) ownerOfIp.set(ip, owner);
  }
  const ownerOfNic = (uid: string) => {
    const nic = byUid.get(uid);
    return nic?.parent && byUid.has(nic.parent) ? nic.parent : uid;
  };

  for (const lb of resources) {
    if (lb.kind !== "load_balancer") continue;
    const nics = Array.isArray(lb.attributes.targetNics) ? lb.attributes.targetNics : [];
    const ips = Array.isArray(lb.attributes.targetIps) ? lb.attributes.targetIps : [];
    lb.attributes.targets = uniq([...nics.map(ownerOfNic), ...ips.map((ip) => ownerOfIp.get(ip))]);
    // A public load balancer's frontend sits in no subnet, but its backend pool is bound to one
    // VNet: that is where it forwards, so it is placed there (else it would have no network at all).
    if (lb.network.networks.length === 0) {
      lb.network.networks = uniq((lb.attributes.targets as string[]).flatMap((t) => byUid.get(t)?.network.networks ?? [])).slice(0, 64);
    }
    if (lb.network.publicIps.length > 0) (lb.attributes.internetFacing = true), (lb.attributes.scheme = "internet-facing");
  }

  // A firewall's DNAT rules send internet traffic to private addresses: name the resources owning them.
  for (const fw of resources) {
    if (fw.kind !== "firewall" || !Array.isArray(fw.attributes.dnatTargetIps)) continue;
    fw.attributes.dnatTargets = uniq(fw.attributes.dnatTargetIps.map((ip) => ownerOfIp.get(ip)));
  }

  for (const route of routes) {
    const uid = route.target.uid;
    if (!uid?.startsWith("ip:")) continue;
    const owner = ownerOfIp.get(uid.slice(3));
    if (owner) route.target.uid = owner;
    else delete route.target.uid;
  }
}
