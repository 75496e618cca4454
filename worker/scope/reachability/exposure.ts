import type { Resource } from "../../../contract/index.js";
import { networkOf } from "../graph.js";
import type { Endpoint, Hop } from "./layers.js";
import { lookupRoute, type NetworkModel } from "./model.js";
import { INTERNET, endpointOf, evaluatePath, explainPath } from "./path.js";
import { describePorts, portless, protocolName, union, type PortSet } from "./ports.js";
import { dnatForwards, hasInternetDnat, type Forward } from "./firewall.js";

/** How the internet reaches a resource: directly, or through internet-facing load balancers. */
export interface InternetExposure {
  uid: string;
  /** What the internet connects to: the resource itself or the load balancer in front of it. */
  entryPoint: string;
  /** Load balancers on the way ([] when direct). */
  via: string[];
  protocol: string;
  ports: string;
  hops: Hop[];
}

/** Internet-facing: a public address, or a load balancer whose scheme says so. */
export function isInternetFacing(r: Resource): boolean {
  if (networkOf(r).publicIps.length > 0) return true;
  if (r.kind !== "load_balancer") return false;
  const a = r.attributes ?? {};
  return a["scheme"] === "internet-facing" || a["internetFacing"] === true || a["public"] === true;
}

/** The internet's way into the resource's subnet: a default route to an internet gateway (AWS), or the cloud's default internet route. */
function internetRoute(model: NetworkModel, e: Endpoint): { ok: boolean; hop: Hop } {
  const table = e.subnet?.table;
  const route = table === undefined ? undefined : lookupRoute(model, table, 0x08080808);
  if (route !== undefined) {
    const ok = route.active && route.route.target.kind === "internet_gateway";
    return { ok, hop: { step: "internet_gateway", control: route.route.target.uid ?? route.route.tableUid, ruleId: route.route.id, action: ok ? "route" : "no_route",
      detail: ok ? `${route.route.destination} → internet gateway ${route.route.target.uid ?? ""} in ${route.route.tableUid}` : `${route.route.destination} in ${route.route.tableUid} leads to ${route.route.target.kind}, not an internet gateway` } };
  }
  if (e.provider !== "aws" && e.network !== undefined) {
    return { ok: true, hop: { step: "internet_gateway", control: e.network, action: "route", detail: "the cloud's default route to the internet (no user route overrides it)" } };
  }
  return { ok: false, hop: { step: "internet_gateway", control: table ?? e.subnetUid ?? e.uid, action: "no_route", detail: `no route to an internet gateway in ${table ?? "the subnet's route table"}` } };
}

function direct(model: NetworkModel, i: number): InternetExposure | null {
  const r = model.resources[i]!;
  if (!isInternetFacing(r)) return null;
  const e = endpointOf(model, [i]);
  if (e.network === undefined && e.subnetUid === undefined) return outsideAnyNetwork(model, r, e);
  const route = internetRoute(model, e);
  if (!route.ok) return null;
  const ev = evaluatePath(model, INTERNET, e);
  if (!ev.reachable) return null;
  const port = portless(ev.protocol) ? 0 : ev.ports[0]!;
  const explained = explainPath(model, INTERNET, e, ev.protocol, port);
  return { uid: r.uid, entryPoint: r.uid, via: [], protocol: protocolName(ev.protocol), ports: describePorts(ev.ports), hops: [route.hop, ...explained.hops] };
}

/**
 * A managed service's public address outside any network (a Cloud SQL instance with only a
 * public IP): no route, NACL or firewall of the customer's stands in front of it, only the
 * service's own access list (authorized networks, sent as the resource's own rules). It is
 * exposed when that list admits the internet; without such a list nothing says so.
 */
function outsideAnyNetwork(model: NetworkModel, r: Resource, e: Endpoint): InternetExposure | null {
  if (!e.groups.includes(r.uid)) return null;
  const ev = evaluatePath(model, INTERNET, e);
  if (!ev.reachable) return null;
  const port = portless(ev.protocol) ? 0 : ev.ports[0]!;
  const explained = explainPath(model, INTERNET, e, ev.protocol, port);
  const entry: Hop = { step: "internet_gateway", control: r.uid, action: "route", detail: `public address ${networkOf(r).publicIps.join(", ")} of a managed service in no network: the provider's endpoint, so no route or network firewall of the customer's applies` };
  return { uid: r.uid, entryPoint: r.uid, via: [], protocol: protocolName(ev.protocol), ports: describePorts(ev.ports), hops: [entry, ...explained.hops] };
}

/**
 * A managed Kubernetes API endpoint open to the whole internet (EKS: public access from
 * 0.0.0.0/0). The endpoint is the provider's, outside the VPC: no route, NACL or group of
 * the customer's stands between it and the internet, so none is evaluated.
 */
function managedApiEndpoint(r: Resource): InternetExposure | null {
  if (r.kind !== "k8s_cluster" || r.attributes?.["publicEndpointOpenToInternet"] !== true) return null;
  return {
    uid: r.uid, entryPoint: r.uid, via: [], protocol: "tcp", ports: "443",
    hops: [{ step: "destination_ingress", control: r.uid, action: "allow", detail: "public Kubernetes API endpoint open to 0.0.0.0/0 (publicAccessCidrs): the provider's endpoint, outside the VPC's routes and security groups" }],
  };
}

/**
 * Every way the internet reaches `uid`: a public address or internet-facing load balancer,
 * a security rule admitting 0.0.0.0/0 (or Internet / any), a route to an internet gateway
 * in its subnet's table and NACLs allowing both directions — not merely "0.0.0.0/0 in a group".
 */
export function internetExposures(model: NetworkModel, uid: string): InternetExposure[] {
  const i = model.index.get(uid);
  if (i === undefined) return [];
  const out: InternetExposure[] = [];
  const d = direct(model, i) ?? managedApiEndpoint(model.resources[i]!);
  if (d) out.push(d);
  for (const lb of [...(model.balancersOf.get(uid) ?? [])].sort()) {
    const k = model.index.get(lb);
    if (k === undefined || k === i) continue;
    const front: { hops: Hop[]; protocol?: string; ports?: string } | null = direct(model, k) ?? dnatFrontend(model, k);
    if (!front) continue;
    const forwards = forwardsTo(model, model.resources[k]!, endpointOf(model, [i]));
    if (forwards !== undefined) {
      const through = forwarded(model, k, i, forwards);
      if (through) out.push({ ...through, hops: [...front.hops, ...through.hops] });
      continue;
    }
    const src = senderSeenBy(model, k);
    const ev = evaluatePath(model, src, endpointOf(model, [i]));
    if (!ev.reachable) continue;
    const port = portless(ev.protocol) ? 0 : ev.ports[0]!;
    const inner = explainPath(model, src, endpointOf(model, [i]), ev.protocol, port);
    out.push({
      uid, entryPoint: lb, via: [lb], protocol: front.protocol ?? protocolName(ev.protocol), ports: front.ports ?? describePorts(ev.ports),
      hops: [...front.hops, { step: "load_balancer", control: lb, action: "allow", detail: `${lb} forwards to ${uid} (target)` }, ...inner.hops],
    });
  }
  return out;
}

/**
 * The ports an entry point forwards to a target, when it says so exactly: a transit
 * firewall's DNAT rules, or an Azure load balancer's rules and inbound NAT rules
 * (`ports` / `natPorts`, "Tcp/443->8443"). Undefined means "all ports" (the target's
 * own controls decide): an AWS target group port or a GCP forwarding-rule port is not
 * necessarily what each target receives on (targets may register on other ports).
 */
function forwardsTo(model: NetworkModel, entry: Resource, target: Endpoint): Forward[] | undefined {
  if (model.firewalls.get(entry.uid)?.uid === entry.uid) return dnatForwards(model, entry.uid, target);
  const a = entry.attributes ?? {};
  const lists = [a["ports"], a["natPorts"]].filter(Array.isArray) as unknown[][];
  if (lists.length === 0) return undefined;
  const out: Forward[] = [];
  for (const text of lists.flat()) {
    const f = typeof text === "string" ? parseForward(text) : undefined;
    if (f === undefined) return undefined;
    out.push(...f);
  }
  return out.length > 0 || entry.provider === "azure" ? out : undefined;
}

/** "Tcp/443->8443" (front → back); "All/0->0" is HA ports: every port. */
function parseForward(text: string): Forward[] | undefined {
  const m = /^([a-z_*]*)\/(\d{1,5})->(\d{1,5})$/i.exec(text.trim());
  if (!m) return undefined;
  const name = m[1]!.toLowerCase();
  const back = Number(m[3]);
  const ports: PortSet = Number(m[2]) === 0 && back === 0 ? [0, 65535] : [back, back];
  const protos = name === "tcp" ? [6] : name === "udp" ? [17] : [6, 17];
  return protos.map((proto) => ({ proto, ports, what: `${text.trim()} (${ports[1] !== ports[0] ? "all ports" : `port ${back}`})` }));
}

/**
 * A firewall whose DNAT rules admit the internet has a public frontend even when its public
 * address is not in the inventory (a public IP resource that could not be read): DNAT rules
 * only apply to traffic addressed to it. Which target and port they reach is left to the
 * rules themselves (dnatForwards).
 */
function dnatFrontend(model: NetworkModel, k: number): { hops: Hop[]; protocol?: string; ports?: string } | null {
  const fw = model.firewalls.get(model.resources[k]!.uid);
  if (fw === undefined || fw.uid !== model.resources[k]!.uid || !hasInternetDnat(model, fw.uid)) return null;
  return { hops: [{ step: "internet_gateway", control: fw.uid, action: "route", detail: `${fw.uid} has DNAT rules admitting the internet: they apply on its public frontend (its public address is not in the inventory)` }] };
}

/**
 * Who the target sees as the sender: an Azure load balancer passes the client's address
 * through (the target's NSG must admit the internet), where proxies and Azure Firewall DNAT
 * (which translates the source to its own address) are the sender themselves.
 */
function senderSeenBy(model: NetworkModel, k: number): Endpoint {
  const entry = model.resources[k]!;
  return entry.provider === "azure" && entry.kind === "load_balancer" && entry.uid.toLowerCase().includes("/providers/microsoft.network/loadbalancers/") ? INTERNET : endpointOf(model, [k]);
}

/** The first forwarded protocol that gets from the entry point to the target, with every port of it that does. */
function forwarded(model: NetworkModel, k: number, i: number, forwards: readonly Forward[]): InternetExposure | null {
  const src = senderSeenBy(model, k);
  const dst = endpointOf(model, [i]);
  let first: { f: Forward; ports: PortSet } | undefined;
  let open: PortSet = [];
  for (const f of forwards) {
    if (first !== undefined && f.proto !== first.f.proto) continue;
    const ev = evaluatePath(model, src, dst, f.proto, f.ports);
    if (!ev.reachable) continue;
    first ??= { f, ports: ev.ports };
    open = union(open, ev.ports);
  }
  if (first === undefined) return null;
  const { f } = first;
  const port = portless(f.proto) ? 0 : first.ports[0]!;
  const entry = model.resources[k]!.uid;
  const uid = model.resources[i]!.uid;
  const inner = explainPath(model, src, dst, f.proto, port);
  return {
    uid, entryPoint: entry, via: [entry], protocol: protocolName(f.proto), ports: describePorts(open),
    hops: [{ step: "load_balancer", control: entry, ...(f.ruleId ? { ruleId: f.ruleId } : {}), action: "allow", detail: `${entry} forwards ${f.what} to ${uid}` }, ...inner.hops],
  };
}

/** The first way the internet reaches `uid`, or null. */
export function internetExposure(model: NetworkModel, uid: string): InternetExposure | null {
  return internetExposures(model, uid)[0] ?? null;
}
