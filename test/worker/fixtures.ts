import { coverage, flowEdge, ingest, newCollector, newTenant, resource, scan, type TestTenant } from "./helpers.js";

export const ARN = {
  web: "arn:aws:ec2:eu-west-1:111111111111:instance/i-web",
  pay: "arn:aws:ec2:eu-west-1:111111111111:instance/i-pay",
  db: "arn:aws:rds:eu-west-1:111111111111:db:cards",
  sg: "arn:aws:ec2:eu-west-1:111111111111:security-group/sg-pay",
  other: "arn:aws:ec2:us-east-1:222222222222:instance/i-other",
} as const;

const net = (ip: string, sgs: string[] = []) => ({ networks: [], subnets: [], securityGroups: sgs, privateIps: [ip], publicIps: [] });

/** A small tenant: a tagged CDE database, a payment service talking to it, a web box, a group with rules, flows. */
export async function seededTenant(): Promise<TestTenant> {
  const t = await newTenant();
  const c = await newCollector(t);
  await ingest(
    c,
    {
      ...scan("s1", [
        resource(ARN.web, { name: "web-frontend", network: net("10.0.1.10") }),
        resource(ARN.pay, { name: "payments-api", tags: { team: "payments" }, network: net("10.0.2.10", [ARN.sg]) }),
        resource(ARN.db, { kind: "database", name: "cards", tags: { "pci:scope": "cde" }, network: net("10.0.3.10") }),
        resource(ARN.sg, { kind: "security_group", name: "sg-pay" }),
        resource(ARN.other, { account: "222222222222", region: "us-east-1", name: "other-account-box", network: net("10.9.0.1") }),
      ], { coverage: [coverage(["instance", "database", "security_group"])] }),
      rules: [
        { id: `${ARN.sg}#ingress#0`, ownerUid: ARN.sg, direction: "ingress", protocol: "tcp", fromPort: 443, toPort: 443, peer: { kind: "cidr", value: "10.0.1.0/24" }, action: "allow", priority: 0 },
      ],
    },
    1,
  );
  await ingest(
    c,
    {
      kind: "flows",
      window: { from: 0, to: 300 },
      edges: [
        flowEdge("10.0.2.10", "10.0.3.10", 5432, { bytes: 9000 }),
        flowEdge("10.0.1.10", "10.0.2.10", 443, { bytes: 4000 }),
        flowEdge("10.0.1.10", "10.0.2.10", 22, { action: "reject", bytes: 100 }),
        flowEdge("203.0.113.5", "10.0.1.10", 443, { bytes: 50 }),
      ],
    },
    2,
  );
  return t;
}
