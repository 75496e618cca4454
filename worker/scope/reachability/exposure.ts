import type { Resource } from "../../../contract/index.js";
import { networkOf } from "../graph.js";
import type { Endpoint, Hop } from "./layers.js";
import { lookupRoute, type NetworkModel } from "./model.js";
import { INTERNET, endpointOf, evaluatePath, explainPath } from "./path.js";
import { describePorts, portless, protocolName } from "./ports.js";

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
    const front = direct(model, k);
    if (!front) continue;
    const ev = evaluatePath(model, endpointOf(model, [k]), endpointOf(model, [i]));
    if (!ev.reachable) continue;
    const port = portless(ev.protocol) ? 0 : ev.ports[0]!;
    const inner = explainPath(model, endpointOf(model, [k]), endpointOf(model, [i]), ev.protocol, port);
    out.push({
      uid, entryPoint: lb, via: [lb], protocol: front.protocol, ports: front.ports,
      hops: [...front.hops, { step: "load_balancer", control: lb, action: "allow", detail: `${lb} forwards to ${uid} (target)` }, ...inner.hops],
    });
  }
  return out;
}

/** The first way the internet reaches `uid`, or null. */
export function internetExposure(model: NetworkModel, uid: string): InternetExposure | null {
  return internetExposures(model, uid)[0] ?? null;
}
