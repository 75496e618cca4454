import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { NORTHWIND_ACCOUNT } from "./company.js";

/** Who talks to whom in Northwind's us-east-1, as client → server:port. */
interface Conversation {
  client: string;
  server: string;
  port: number;
  protocol: "tcp" | "udp";
  action: "ACCEPT" | "REJECT";
  /** Flow-log records (connections) over the hour. */
  records: number;
  /** The ENI whose flow log records it (the server side's). */
  eni: string;
}

const IP = {
  checkout1: "10.10.2.11",
  checkout2: "10.10.2.12",
  settlement: "10.10.2.40",
  vault: "10.10.3.20",
  dns: "10.20.1.10",
  ntp: "10.20.1.11",
  dc: "10.20.1.20",
  logship: "10.20.1.30",
  bastion: "10.20.1.40",
  hr: "10.30.1.10",
  wiki: "10.30.1.11",
  cardgame: "10.30.1.12",
  crm: "10.30.3.20",
  finance: "10.30.2.10",
} as const;

const ENI: Record<string, string> = {
  [IP.checkout1]: "eni-0checkout0000001",
  [IP.checkout2]: "eni-0checkout0000002",
  [IP.settlement]: "eni-0settle00000001",
  [IP.vault]: "eni-0vault000000001",
  [IP.dns]: "eni-0dns0000000001",
  [IP.ntp]: "eni-0ntp0000000001",
  [IP.dc]: "eni-0dc00000000001",
  [IP.logship]: "eni-0logship0000001",
  [IP.bastion]: "eni-0bastion0000001",
  [IP.hr]: "eni-0hrportal000001",
  [IP.wiki]: "eni-0wiki0000000001",
  [IP.cardgame]: "eni-0cardgame000001",
  [IP.crm]: "eni-0crm0000000001",
  [IP.finance]: "eni-0finrep0000001",
};

function talk(client: string, server: string, port: number, protocol: "tcp" | "udp", records: number, action: "ACCEPT" | "REJECT" = "ACCEPT"): Conversation {
  const eni = ENI[server] ?? ENI[client];
  if (!eni) throw new Error(`no ENI for ${client} → ${server}`);
  return { client, server, port, protocol, action, records, eni };
}

export function northwindConversations(): Conversation[] {
  const shoppers = ["198.51.100.23", "192.0.2.44", "203.0.113.77", "198.51.100.160"];
  return [
    ...shoppers.flatMap((s) => [talk(s, IP.checkout1, 443, "tcp", 40), talk(s, IP.checkout2, 443, "tcp", 35)]),
    talk(IP.checkout1, IP.vault, 5432, "tcp", 60),
    talk(IP.checkout2, IP.vault, 5432, "tcp", 55),
    talk(IP.checkout1, IP.dns, 53, "udp", 30),
    talk(IP.checkout2, IP.dns, 53, "udp", 28),
    talk(IP.vault, IP.dns, 53, "udp", 6),
    talk(IP.checkout1, IP.ntp, 123, "udp", 4),
    talk(IP.vault, IP.ntp, 123, "udp", 4),
    talk(IP.checkout1, IP.dc, 389, "tcp", 8),
    talk(IP.checkout2, IP.dc, 88, "tcp", 8),
    talk(IP.checkout1, IP.logship, 5044, "tcp", 12),
    talk(IP.vault, IP.logship, 5044, "tcp", 12),
    talk(IP.bastion, IP.checkout1, 22, "tcp", 3),
    talk(IP.settlement, IP.checkout1, 8080, "tcp", 10),
    talk(IP.finance, IP.vault, 5432, "tcp", 9),
    talk(IP.crm, IP.checkout1, 443, "tcp", 14),
    talk(IP.wiki, IP.vault, 5432, "tcp", 5, "REJECT"),
    talk(IP.hr, IP.dns, 53, "udp", 10),
    talk(IP.hr, IP.wiki, 443, "tcp", 20),
    talk(IP.cardgame, IP.wiki, 443, "tcp", 6),
  ];
}

/** Deterministic PRNG so the sample is the same on every machine. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * AWS VPC flow log records in the default (version 2) format, one line each:
 * `version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status`.
 */
export function northwindFlowLogLines(endUnixSeconds: number, hours = 1): string[] {
  const random = mulberry32(20261123);
  const lines: string[] = [];
  const span = hours * 3600;
  for (const c of northwindConversations()) {
    for (let i = 0; i < c.records * hours; i++) {
      const start = endUnixSeconds - span + Math.floor(random() * (span - 60));
      const end = start + 60;
      const ephemeral = 32768 + Math.floor(random() * 28000);
      const packets = 2 + Math.floor(random() * 40);
      const bytes = packets * (60 + Math.floor(random() * 1400));
      const proto = c.protocol === "tcp" ? 6 : 17;
      lines.push(
        `2 ${NORTHWIND_ACCOUNT} ${c.eni} ${c.client} ${c.server} ${ephemeral} ${c.port} ${proto} ${packets} ${bytes} ${start} ${end} ${c.action} OK`,
      );
    }
  }
  lines.push(`2 ${NORTHWIND_ACCOUNT} eni-0wiki0000000001 - - - - - - - ${endUnixSeconds - 120} ${endUnixSeconds - 60} - NODATA`);
  return lines;
}

/**
 * Writes the sample's flow logs as S3 delivers them (gzip'd text with a header line) into
 * `dir`, and returns the file path.
 */
export function writeNorthwindFlowLogs(dir: string, endUnixSeconds: number): string {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date(endUnixSeconds * 1000).toISOString().replace(/[-:]/g, "").slice(0, 13);
  const file = join(dir, `${NORTHWIND_ACCOUNT}_vpcflowlogs_us-east-1_fl-0northwind0001_${stamp}Z_sample.log.gz`);
  const header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";
  writeFileSync(file, gzipSync([header, ...northwindFlowLogLines(endUnixSeconds)].join("\n") + "\n"));
  return file;
}
