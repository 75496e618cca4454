import type { Cluster } from "@aws-sdk/client-eks";
import { describe, expect, it } from "vitest";
import { Resource } from "../../contract/index.js";
import { eksClusters } from "../../collector/src/providers/aws/services/eks.js";
import { buildNetworkModel, internetExposures } from "../../worker/scope/reachability/index.js";
import { internetViolations } from "../../worker/scope/violations.js";

// An EKS cluster's public API endpoint, as the collector sends it, in the engine's internet exposure.
const ctx = { region: "eu-west-1", account: "111122223333" };
const cluster = (name: string, vpc: Cluster["resourcesVpcConfig"], tags: Record<string, string> = { pci: "cde" }): Resource =>
  Resource.parse(eksClusters.transform([{ name, arn: `arn:aws:eks:eu-west-1:111122223333:cluster/${name}`, status: "ACTIVE", tags, resourcesVpcConfig: { subnetIds: ["subnet-0a"], securityGroupIds: ["sg-0a"], vpcId: "vpc-0a", ...vpc } }], ctx).resources[0]);

function exposures(r: Resource) {
  const model = buildNetworkModel({ resources: [r], rules: [], routes: [] });
  return { model, found: internetExposures(model, r.uid) };
}

describe("a managed Kubernetes API endpoint open to the internet", () => {
  it("is an internet exposure of the cluster, with a hop saying why no route or group was evaluated", () => {
    const open = cluster("cards", { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] });
    const { model, found } = exposures(open);
    expect(found).toEqual([{ uid: open.uid, entryPoint: open.uid, via: [], protocol: "tcp", ports: "443", hops: [expect.objectContaining({ step: "destination_ingress", control: open.uid, action: "allow" })] }]);
    // A CDE cluster reachable that way is an internet_to_cde violation unless approved as an entry point.
    expect(internetViolations(new Set([open.uid]), model).map((v) => v.kind)).toEqual(["internet_to_cde"]);
  });

  it("is not when the endpoint is private, or public only to listed CIDRs, or the cluster is an approved entry point", () => {
    expect(exposures(cluster("private", { endpointPublicAccess: false, endpointPrivateAccess: true })).found).toEqual([]);
    expect(exposures(cluster("office-only", { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] })).found).toEqual([]);
    const approved = cluster("front", { endpointPublicAccess: true }, { pci: "cde", "pci:entry-point": "true" });
    // No CIDRs listed means AWS's default, 0.0.0.0/0.
    const { model, found } = exposures(approved);
    expect(found).toHaveLength(1);
    expect(internetViolations(new Set([approved.uid]), model)).toEqual([]);
  });
});
