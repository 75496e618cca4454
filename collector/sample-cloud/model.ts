import type {
  Instance,
  InternetGateway,
  ManagedPrefixList,
  PrefixListEntry,
  TransitGateway,
  TransitGatewayAttachment,
  TransitGatewayRoute,
  TransitGatewayRouteTable,
  TransitGatewayRouteTableAssociation,
  VpcEndpoint,
  NatGateway,
  NetworkAcl,
  NetworkInterface,
  RouteTable,
  SecurityGroup,
  Subnet,
  Vpc,
  VpcPeeringConnection,
} from "@aws-sdk/client-ec2";

/**
 * One AWS account's EC2 world, in EC2's own shapes (the SDK's output types), so that a
 * local server can answer the EC2 Query API from it byte-for-byte as AWS would.
 */
export interface Ec2Region {
  vpcs: Vpc[];
  subnets: Subnet[];
  securityGroups: SecurityGroup[];
  networkInterfaces: NetworkInterface[];
  instances: Instance[];
  routeTables: RouteTable[];
  networkAcls: NetworkAcl[];
  internetGateways: InternetGateway[];
  natGateways: NatGateway[];
  vpcPeeringConnections: VpcPeeringConnection[];
  transitGateways?: TransitGateway[];
  transitGatewayAttachments?: TransitGatewayAttachment[];
  /** Each table with the routes SearchTransitGatewayRoutes and the associations GetTransitGatewayRouteTableAssociations answer. */
  transitGatewayRouteTables?: Array<TransitGatewayRouteTable & { routes?: TransitGatewayRoute[]; associations?: TransitGatewayRouteTableAssociation[] }>;
  vpcEndpoints?: VpcEndpoint[];
  /** Each list with the entries GetManagedPrefixListEntries answers. */
  managedPrefixLists?: Array<ManagedPrefixList & { entries?: PrefixListEntry[] }>;
}

export interface Ec2Account {
  accountId: string;
  regions: Record<string, Ec2Region>;
  /** EC2 actions (e.g. "DescribeInstances") that answer UnauthorizedOperation, to test least privilege. */
  deniedActions?: string[];
}

export function emptyRegion(): Ec2Region {
  return {
    vpcs: [],
    subnets: [],
    securityGroups: [],
    networkInterfaces: [],
    instances: [],
    routeTables: [],
    networkAcls: [],
    internetGateways: [],
    natGateways: [],
    vpcPeeringConnections: [],
  };
}
