import { coverage, flowEdge, ingest, newCollector, newTenant, resource, type TestCollector, type TestTenant } from "../../helpers.js";

/**
 * A small routed VPC with segmentation problems, shared by the paths, violations, drift and
 * live tests: a CDE database behind a group that admits the app tier on 5432; a CDE checkout
 * host with a public address, open to 0.0.0.0/0 on 443 and routed to an internet gateway
 * (not an approved entry point); a CRM box tagged out of scope; and, once flows arrive, the
 * CRM and an unmapped public address talking to the database.
 */
export const U = {
  vpc: "arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-1",
  snApp: "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-app",
  snDb: "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-db",
  rt: "arn:aws:ec2:eu-west-1:111111111111:route-table/rtb-1",
  igw: "arn:aws:ec2:eu-west-1:111111111111:internet-gateway/igw-1",
  sgApp: "arn:aws:ec2:eu-west-1:111111111111:security-group/sg-app",
  sgDb: "arn:aws:ec2:eu-west-1:111111111111:security-group/sg-db",
  sgWeb: "arn:aws:ec2:eu-west-1:111111111111:security-group/sg-web",
  db: "arn:aws:rds:eu-west-1:111111111111:db:cards",
  checkout: "arn:aws:ec2:eu-west-1:111111111111:instance/i-checkout",
  app: "arn:aws:ec2:eu-west-1:111111111111:instance/i-app",
  crm: "arn:aws:ec2:eu-west-1:111111111111:instance/i-crm",
  newbox: "arn:aws:ec2:eu-west-1:111111111111:instance/i-new",
} as const;

const placed = (subnet: string, ip: string, groups: string[] = [], publicIps: string[] = []) => ({
  networks: [U.vpc], subnets: [subnet], securityGroups: groups, privateIps: [ip], publicIps,
});

export function inventory(scanId: string, o: { extra?: boolean } = {}) {
  const resources = [
    resource(U.vpc, { kind: "network", name: "vpc-1" }),
    resource(U.snApp, { kind: "subnet", name: "app", network: { networks: [U.vpc], subnets: [U.snApp], securityGroups: [], privateIps: [], publicIps: [] }, attributes: { cidrBlock: "10.0.1.0/24" } }),
    resource(U.snDb, { kind: "subnet", name: "db", network: { networks: [U.vpc], subnets: [U.snDb], securityGroups: [], privateIps: [], publicIps: [] }, attributes: { cidrBlock: "10.0.3.0/24" } }),
    resource(U.rt, { kind: "route_table", name: "rtb-1", network: { networks: [U.vpc], subnets: [U.snApp, U.snDb], securityGroups: [], privateIps: [], publicIps: [] }, attributes: { main: true } }),
    resource(U.igw, { kind: "gateway", name: "igw-1" }),
    resource(U.sgApp, { kind: "security_group", name: "sg-app" }),
    resource(U.sgDb, { kind: "security_group", name: "sg-db" }),
    resource(U.sgWeb, { kind: "security_group", name: "sg-web" }),
    resource(U.db, { kind: "database", name: "cards", tags: { "pci:scope": "cde" }, network: placed(U.snDb, "10.0.3.10", [U.sgDb]) }),
    resource(U.checkout, { name: "checkout", tags: { "pci:scope": "cde" }, network: placed(U.snApp, "10.0.1.20", [U.sgWeb], ["203.0.113.10"]) }),
    resource(U.app, { name: "app", network: placed(U.snApp, "10.0.1.10", [U.sgApp]) }),
    resource(U.crm, { name: "crm", tags: { "pci:scope": "out_of_scope" }, network: placed(U.snApp, "10.0.1.30") }),
  ];
  if (o.extra) resources.push(resource(U.newbox, { name: "newbox", network: placed(U.snApp, "10.0.1.40") }));
  return {
    kind: "inventory" as const,
    scanId,
    part: 1,
    parts: 1,
    resources,
    rules: [
      { id: `${U.sgDb}#ingress#0`, ownerUid: U.sgDb, direction: "ingress" as const, protocol: "tcp", fromPort: 5432, toPort: 5432, peer: { kind: "group" as const, value: U.sgApp }, action: "allow" as const, priority: 0 },
      { id: `${U.sgWeb}#ingress#0`, ownerUid: U.sgWeb, direction: "ingress" as const, protocol: "tcp", fromPort: 443, toPort: 443, peer: { kind: "cidr" as const, value: "0.0.0.0/0" }, action: "allow" as const, priority: 0 },
    ],
    routes: [
      { id: `${U.rt}#10.0.0.0/16`, tableUid: U.rt, destination: "10.0.0.0/16", target: { kind: "local" as const }, state: "active" as const },
      { id: `${U.rt}#0.0.0.0/0`, tableUid: U.rt, destination: "0.0.0.0/0", target: { kind: "internet_gateway" as const, uid: U.igw }, state: "active" as const },
    ],
    coverage: [coverage(["network", "subnet", "route_table", "gateway", "security_group", "database", "instance"])],
  };
}

export const problemFlows = () => [flowEdge("10.0.1.30", "10.0.3.10", 5432, { bytes: 9000 }), flowEdge("198.51.100.7", "10.0.3.10", 5432)];

export interface ScopeTenant {
  t: TestTenant;
  c: TestCollector;
  seq: () => number;
}

/** The scenario after its first scan; with `flows`, after the problem flows too. */
export async function scopeTenant(o: { flows?: boolean } = {}): Promise<ScopeTenant> {
  const t = await newTenant();
  const c = await newCollector(t);
  let next = 1;
  const seq = () => next++;
  const res = await ingest(c, inventory("s1") as never, seq());
  if (res.status !== 200) throw new Error(`scan: ${res.status} ${JSON.stringify(res.json)}`);
  if (o.flows) await sendFlows(c, problemFlows(), seq());
  return { t, c, seq };
}

export async function sendFlows(c: TestCollector, edges: ReturnType<typeof flowEdge>[], seq: number) {
  const res = await ingest(c, { kind: "flows", window: { from: 0, to: 300 }, edges }, seq);
  if (res.status !== 200) throw new Error(`flows: ${res.status} ${JSON.stringify(res.json)}`);
  return res;
}
