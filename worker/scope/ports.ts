/** IANA protocol numbers as flow edges carry them. */
export const TCP = 6;
export const UDP = 17;

/**
 * Services a CDE component consumes that can affect its security (SSC guidance:
 * security-impacting systems). Keyed `protocol * 65536 + port` so lookup on the hot edge
 * loop is one integer Map get and no string is built.
 */
const SECURITY_SERVICES = new Map<number, string>();
function service(name: string, ports: number[], protocols: number[]): void {
  for (const port of ports) for (const proto of protocols) SECURITY_SERVICES.set(proto * 65536 + port, name);
}
service("DNS", [53], [TCP, UDP]);
service("NTP", [123], [UDP]);
service("Kerberos", [88], [TCP, UDP]);
service("LDAP", [389], [TCP, UDP]);
service("LDAPS", [636], [TCP]);
service("AD global catalog", [3268, 3269], [TCP]);
service("syslog", [514], [TCP, UDP]);
service("syslog over TLS", [6514], [TCP]);
service("Beats log shipping", [5044], [TCP]);
service("Splunk forwarding", [9997], [TCP]);
service("Splunk HTTP Event Collector", [8088], [TCP]);
service("Elasticsearch", [9200], [TCP]);
service("fluentd forwarding", [24224], [TCP, UDP]);
service("Puppet", [8140], [TCP]);
service("Salt", [4505, 4506], [TCP]);

/** The security service a CDE client reached on this server port, if any. */
export function securityService(protocol: number, port: number): string | undefined {
  return SECURITY_SERVICES.get(protocol * 65536 + port);
}

/** Ordinary web ports: a security service only when the server carries a matching role tag. */
export function isWebPort(protocol: number, port: number): boolean {
  return protocol === TCP && (port === 80 || port === 443);
}

const ADMIN_SERVICES = new Map<number, string>([
  [TCP * 65536 + 22, "SSH"],
  [TCP * 65536 + 3389, "RDP"],
  [UDP * 65536 + 3389, "RDP"],
  [TCP * 65536 + 5985, "WinRM"],
  [TCP * 65536 + 5986, "WinRM over TLS"],
]);

/** The administration protocol a client used on a CDE server port, if any. */
export function adminService(protocol: number, port: number): string | undefined {
  return ADMIN_SERVICES.get(protocol * 65536 + port);
}
