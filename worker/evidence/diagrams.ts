import type { SegmentationBody } from "./segmentation.js";
import type { ScopeData } from "./source.js";
import { arrow, box, clip, SCOPE_COLOURS, svgDocument } from "./svg.js";

const PROTO: Record<number, string> = { 6: "tcp", 17: "udp", 1: "icmp" };
const proto = (p: number) => PROTO[p] ?? `proto ${p}`;
const MAX_NODES = 40;

export interface Diagram {
  /** The graph the picture draws, so the signed artifact can be checked without reading SVG. */
  graph: { nodes: { id: string; label: string; scope: string; detail: string }[]; edges: { from: string; to: string; label: string; bytes: number }[] };
  svg: string;
}

/**
 * Network diagram (1.2.3): one box per cloud account and region with its resources counted by
 * scope, the Internet / unmapped addresses as one more zone, and every zone pair that exchanged
 * accepted traffic across the CDE boundary, labelled with ports.
 */
export function networkDiagram(data: ScopeData, seg: SegmentationBody): Diagram {
  const zoneOf = new Map<string, string>();
  const zones = new Map<string, { id: string; label: string; counts: Record<string, number> }>();
  for (const r of data.resources) {
    const id = `${r.provider}:${r.account}:${r.region}`;
    zoneOf.set(r.uid, id);
    const z = zones.get(id) ?? { id, label: `${r.provider} ${r.account} ${r.region}`, counts: {} };
    const s = r.scope ?? "unclassified";
    z.counts[s] = (z.counts[s] ?? 0) + 1;
    zones.set(id, z);
  }
  const edges = new Map<string, { from: string; to: string; ports: Set<string>; bytes: number }>();
  for (const c of seg.connections) {
    const cdeZone = zoneOf.get(c.cdeUid)!;
    const otherZone = c.other.startsWith("ip:") ? "external" : (zoneOf.get(c.other) ?? "external");
    if (otherZone === "external" && !zones.has("external")) zones.set("external", { id: "external", label: "Internet / unmapped addresses", counts: { unmapped: 0 } });
    if (otherZone === "external") zones.get("external")!.counts.unmapped! += 1;
    const [from, to] = c.direction === "inbound" ? [otherZone, cdeZone] : [cdeZone, otherZone];
    const key = `${from}>${to}`;
    const e = edges.get(key) ?? { from, to, ports: new Set<string>(), bytes: 0 };
    e.ports.add(`${proto(c.protocol)}/${c.dstPort}`);
    e.bytes += c.bytes;
    edges.set(key, e);
  }
  const list = [...zones.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  const nodes = list.map((z) => ({
    id: z.id,
    label: z.label,
    scope: (z.counts.cde ?? 0) > 0 ? "cde" : z.id === "external" ? "unmapped" : "out_of_scope",
    detail: Object.entries(z.counts).sort().map(([s, n]) => `${s}: ${n}`).join(", "),
  }));
  const graphEdges = [...edges.values()]
    .map((e) => ({ from: e.from, to: e.to, label: [...e.ports].sort().slice(0, 4).join(", ") + (e.ports.size > 4 ? ` +${e.ports.size - 4}` : ""), bytes: e.bytes }))
    .sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1));

  const colW = 300;
  const rowH = 110;
  const cols = Math.max(1, Math.min(3, Math.ceil(Math.sqrt(nodes.length))));
  const pos = new Map<string, { x: number; y: number }>();
  const body: string[] = [];
  nodes.forEach((n, i) => {
    const x = 24 + (i % cols) * (colW + 120);
    const y = 48 + Math.floor(i / cols) * (rowH + 30);
    pos.set(n.id, { x, y });
    body.push(box(x, y, colW, rowH, SCOPE_COLOURS[n.scope]!, [clip(n.label, 44), ...n.detail.split(", ").slice(0, 5)]));
  });
  for (const e of graphEdges) {
    const a = pos.get(e.from)!;
    const b = pos.get(e.to)!;
    body.push(arrow(a.x + colW, a.y + rowH / 2, b.x === a.x && b.y === a.y ? b.x + colW - 20 : b.x, b.y + rowH / 2, e.label));
  }
  const height = 48 + Math.ceil(nodes.length / cols) * (rowH + 30) + 20;
  const width = 24 + cols * (colW + 120);
  return { graph: { nodes, edges: graphEdges }, svg: svgDocument(width, Math.max(height, 160), `Network diagram — CDE connections (PCI DSS 1.2.3) — ${data.tenantName}`, body) };
}

/**
 * Data-flow diagram (1.2.4): the CDE components in the middle, what sends to them on the left,
 * what they send to on the right, each edge an observed accepted flow with port and bytes.
 * The busiest MAX_NODES peers per side are drawn; the graph lists every connection.
 */
export function dataFlowDiagram(data: ScopeData, seg: SegmentationBody): Diagram {
  const name = new Map(data.resources.map((r) => [r.uid, r]));
  const label = (id: string) => (id.startsWith("ip:") ? id.slice(3) : (name.get(id)?.name ?? id));
  const scopeOf = (id: string) => (id.startsWith("ip:") ? "unmapped" : (name.get(id)?.scope ?? "unmapped"));
  const edges = new Map<string, { from: string; to: string; ports: Set<string>; bytes: number }>();
  for (const c of seg.connections) {
    const [from, to] = c.direction === "inbound" ? [c.other, c.cdeUid] : [c.cdeUid, c.other];
    const key = `${from}>${to}`;
    const e = edges.get(key) ?? { from, to, ports: new Set<string>(), bytes: 0 };
    e.ports.add(`${proto(c.protocol)}/${c.dstPort}`);
    e.bytes += c.bytes;
    edges.set(key, e);
  }
  const all = [...edges.values()].sort((a, b) => b.bytes - a.bytes || (a.from + a.to < b.from + b.to ? -1 : 1));
  const graphEdges = all.map((e) => ({ from: e.from, to: e.to, label: [...e.ports].sort().join(", "), bytes: e.bytes }));
  const left = [...new Set(all.filter((e) => scopeOf(e.to) === "cde" && scopeOf(e.from) !== "cde").map((e) => e.from))].slice(0, MAX_NODES);
  const right = [...new Set(all.filter((e) => scopeOf(e.from) === "cde" && scopeOf(e.to) !== "cde").map((e) => e.to))].slice(0, MAX_NODES);
  const middle = [...new Set([...seg.boundary.map((b) => b.uid)])].slice(0, MAX_NODES);
  const ids = new Set([...left, ...middle, ...right]);
  const nodes = [...ids].map((id) => ({ id, label: label(id), scope: scopeOf(id), detail: id }));

  const w = 260;
  const h = 44;
  const pos = new Map<string, { x: number; y: number }>();
  const body: string[] = [];
  [left, middle, right].forEach((col, ci) => {
    col.forEach((id, ri) => {
      const x = 24 + ci * (w + 160);
      const y = 56 + ri * (h + 14);
      pos.set(id, { x, y });
      body.push(box(x, y, w, h, SCOPE_COLOURS[scopeOf(id)]!, [clip(label(id), 34), `${scopeOf(id)}`]));
    });
  });
  for (const e of all) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) continue;
    body.push(arrow(a.x + w, a.y + h / 2, b.x, b.y + h / 2, `${[...e.ports].sort().slice(0, 3).join(", ")} · ${e.bytes} B`));
  }
  const rows = Math.max(left.length, middle.length, right.length, 1);
  return {
    graph: { nodes, edges: graphEdges },
    svg: svgDocument(24 + 3 * (w + 160), 56 + rows * (h + 14) + 24, `Data-flow diagram — account-data flows across the CDE boundary (PCI DSS 1.2.4) — ${data.tenantName}`, body),
  };
}
