import type { Rule, RulePeer } from "../../../../contract/index.js";
import { empty, network, uniq } from "../shared.js";
import { type GcpFamily, gcpResource, labels, networkUid, regionOf, subnetworkUid } from "./types.js";

/** A GKE v1 Cluster, the fields scoping reads. */
export interface GkeCluster {
  name?: string;
  selfLink?: string;
  location?: string;
  status?: string;
  currentMasterVersion?: string;
  endpoint?: string;
  network?: string;
  subnetwork?: string;
  resourceLabels?: Record<string, string>;
  networkConfig?: { network?: string; subnetwork?: string };
  privateClusterConfig?: { enablePrivateNodes?: boolean; enablePrivateEndpoint?: boolean; masterIpv4CidrBlock?: string; privateEndpoint?: string; publicEndpoint?: string };
  masterAuthorizedNetworksConfig?: { enabled?: boolean; cidrBlocks?: Array<{ displayName?: string; cidrBlock?: string }>; gcpPublicCidrsAccessEnabled?: boolean };
  ipAllocationPolicy?: { clusterIpv4CidrBlock?: string; servicesIpv4CidrBlock?: string };
  nodePools?: Array<{ name?: string; config?: { serviceAccount?: string } }>;
  workloadIdentityConfig?: { workloadPool?: string };
  autopilot?: { enabled?: boolean };
}

interface ClustersList {
  clusters?: GkeCluster[];
  /** Zones that did not answer: the list is incomplete. */
  missingZones?: string[];
}

export const CONTROL_PLANE_PORT = 443;

/**
 * GKE clusters become `k8s_cluster` resources placed in their VPC and subnet. The control
 * plane's public endpoint admits the master authorized networks when they are enabled (and
 * Google Cloud's public ranges when that switch is on), anyone otherwise; the private endpoint
 * admits private address space. One allow rule per source on TCP 443.
 */
export const gkeClusters: GcpFamily<GkeCluster> = {
  name: "gke-clusters",
  permissions: ["container.clusters.list"],
  kinds: ["k8s_cluster"],
  async get(c, project) {
    const list = await c.rest.get<ClustersList>("container", `v1/projects/${encodeURIComponent(project)}/locations/-/clusters`);
    const clusters = list.clusters ?? [];
    if ((list.missingZones ?? []).length > 0) {
      // Some locations did not answer: what was read is sent, marked partial.
      throw Object.assign(new Error(`locations not answered: ${list.missingZones!.join(", ")}`), { code: "MISSING_ZONES", partialItems: clusters });
    }
    return clusters;
  },
  transform(items, ctx) {
    const out = empty();
    for (const k of items) {
      if (!k.selfLink) continue;
      const uid = k.selfLink;
      const project = /\/projects\/([^/]+)\//.exec(uid)?.[1] ?? ctx.project;
      const vpc = networkUid(k.networkConfig?.network ?? (k.network ? `projects/${project}/global/networks/${k.network}` : undefined));
      const region = regionOf(k.location);
      const subnet = subnetworkUid(k.networkConfig?.subnetwork ?? (k.subnetwork ? `projects/${project}/regions/${region}/subnetworks/${k.subnetwork}` : undefined));
      const pcc = k.privateClusterConfig ?? {};
      const man = k.masterAuthorizedNetworksConfig ?? {};
      const privateEndpoint = pcc.privateEndpoint;
      const publicEndpoint = pcc.enablePrivateEndpoint ? undefined : (pcc.publicEndpoint ?? (k.endpoint !== privateEndpoint ? k.endpoint : undefined));
      const authorized = uniq((man.cidrBlocks ?? []).map((b) => b.cidrBlock));
      out.resources.push(
        gcpResource({
          uid,
          account: project,
          region,
          kind: "k8s_cluster",
          name: (k.name ?? "").slice(0, 512),
          tags: labels(k.resourceLabels),
          network: network({ networks: [vpc], subnets: [subnet], securityGroups: [uid], privateIps: [privateEndpoint], publicIps: [publicEndpoint] }),
          attributes: {
            location: k.location ?? null,
            status: k.status ?? null,
            version: k.currentMasterVersion ?? null,
            endpoint: k.endpoint ?? null,
            publicEndpoint: publicEndpoint ?? null,
            privateEndpoint: privateEndpoint ?? null,
            privateNodes: pcc.enablePrivateNodes ?? false,
            privateEndpointOnly: pcc.enablePrivateEndpoint ?? false,
            masterIpv4CidrBlock: pcc.masterIpv4CidrBlock ?? null,
            masterAuthorizedNetworks: man.enabled ?? false,
            authorizedNetworks: authorized.slice(0, 256),
            gcpPublicCidrsAccess: man.gcpPublicCidrsAccessEnabled ?? null,
            podCidr: k.ipAllocationPolicy?.clusterIpv4CidrBlock ?? null,
            serviceCidr: k.ipAllocationPolicy?.servicesIpv4CidrBlock ?? null,
            nodePools: (k.nodePools ?? []).length,
            serviceAccounts: uniq((k.nodePools ?? []).map((p) => p.config?.serviceAccount)),
            workloadIdentity: !!k.workloadIdentityConfig?.workloadPool,
            autopilot: k.autopilot?.enabled ?? false,
          },
        }),
      );
      out.rules.push(...controlPlaneRules(uid, { publicEndpoint, privateEndpoint, authorizedEnabled: man.enabled ?? false, authorized, googleRanges: man.gcpPublicCidrsAccessEnabled ?? false }));
    }
    return out;
  },
};

export function controlPlaneRules(
  uid: string,
  c: { publicEndpoint: string | undefined; privateEndpoint: string | undefined; authorizedEnabled: boolean; authorized: string[]; googleRanges: boolean },
): Rule[] {
  const peers: Array<{ peer: RulePeer; why: string }> = [];
  if (c.publicEndpoint) {
    if (!c.authorizedEnabled) peers.push({ peer: { kind: "cidr", value: "0.0.0.0/0" }, why: "public endpoint without master authorized networks" });
    else {
      for (const cidr of c.authorized) peers.push({ peer: { kind: "cidr", value: cidr }, why: "master authorized network" });
      if (c.googleRanges) peers.push({ peer: { kind: "service_tag", value: "GoogleCloud" }, why: "Google Cloud public ranges (gcpPublicCidrsAccessEnabled)" });
    }
  } else if (c.authorizedEnabled) {
    for (const cidr of c.authorized) peers.push({ peer: { kind: "cidr", value: cidr }, why: "master authorized network" });
  }
  if (c.privateEndpoint) peers.push({ peer: { kind: "service_tag", value: "VirtualNetwork" }, why: "private endpoint" });
  return peers.map(({ peer, why }) => ({
    id: `${uid}#ingress#control-plane#${peer.kind === "any" ? "any" : `${peer.kind}:${peer.value}`}`,
    ownerUid: uid,
    direction: "ingress",
    protocol: "tcp",
    fromPort: CONTROL_PLANE_PORT,
    toPort: CONTROL_PLANE_PORT,
    peer,
    action: "allow",
    priority: 1000,
    description: `control plane: ${why}`,
  }));
}
