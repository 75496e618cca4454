/** Display helpers shared by pages: times, bytes, protocols, ports. */
export function ago(at: number | string | null | undefined, now = Date.now()): string {
  if (at === null || at === undefined) return "never";
  const t = typeof at === "number" ? at : Date.parse(at);
  const s = Math.round((now - t) / 1000);
  if (s < 60) return `${Math.max(s, 0)} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export function when(at: number | string | null | undefined): string {
  if (at === null || at === undefined) return "—";
  const d = typeof at === "number" ? new Date(at) : new Date(at);
  return d.toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

/** Flow times are unix seconds. */
export const whenSec = (s: number) => when(s * 1000);

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export const num = (n: number) => n.toLocaleString("en-US");

const PROTOCOLS: Record<number, string> = { 1: "icmp", 6: "tcp", 17: "udp", 58: "icmpv6" };
export const proto = (p: number | string) => (typeof p === "number" ? (PROTOCOLS[p] ?? String(p)) : p === "-1" ? "all" : p);

export function ports(from: number, to: number): string {
  if (from === to) return String(from);
  if (from <= 0 && to >= 65535) return "all";
  return `${from}–${to}`;
}

/** `user:usr_…` / `apikey:…` actors, with names where we know the person. */
export function actor(who: string, people: Record<string, string> = {}): string {
  const [kind, id] = who.split(":", 2);
  if (kind === "user" && id && people[id]) return people[id]!;
  if (kind === "apikey") return `API key ${id}`;
  return who;
}
