/**
 * The laid-out boundary map as one standalone SVG document: inline styles only (no page CSS),
 * so the page shows exactly the file an assessor downloads and can open anywhere.
 */
import type { LaidOutMap } from "./layout.js";
import { mapHref, type MapGroup, type MapNode } from "./graph.js";

const COLOR: Record<MapGroup, { ink: string; fill: string; line: string }> = {
  cde: { ink: "#b42318", fill: "#fdf1f0", line: "#e4a29b" },
  security_impacting: { ink: "#8a4b00", fill: "#fdf6ea", line: "#e3c28e" },
  connected: { ink: "#1d5ea8", fill: "#f0f5fc", line: "#a9c4e6" },
  out_of_scope: { ink: "#3f6b45", fill: "#f1f7f1", line: "#aecdb1" },
  external: { ink: "#5b6776", fill: "#f4f6f8", line: "#c5ced8" },
};
const FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "#39" }[c]};`);

function fmtBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) (v /= 1024), i++;
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

function clip(s: string, width: number, char: number): string {
  const max = Math.max(4, Math.floor((width - 16) / char));
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export interface SvgOptions {
  /** Title drawn at the top and put in <title>. */
  title: string;
  /** Link nodes to their resource page (on in the app, off in the downloaded file). */
  links: boolean;
}

const PAD = 16;
const HEAD = 40;

/** A resource opens its page; a folded box opens the map filtered to what it holds (drill-down). */
function nodeHref(n: MapNode): string | null {
  if (n.uid) return `/resources/${encodeURIComponent(n.uid)}`;
  if (n.drill) return mapHref({ scopes: [n.drill.scope], account: n.drill.account ?? null, network: n.drill.network ?? null });
  return null;
}

export function boundaryMapSvg(map: LaidOutMap, o: SvgOptions): string {
  const w = Math.max(map.width + PAD * 2, 480);
  const h = map.height + PAD * 2 + HEAD;
  const maxBytes = Math.max(1, ...map.edges.map((e) => e.edge.bytes));
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" data-testid="boundary-svg" role="img" aria-label="${esc(o.title)}">`);
  out.push(`<title>${esc(o.title)}</title>`);
  out.push(`<defs><marker id="psg-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" style="fill:#5b6776"/></marker>`);
  out.push(`<marker id="psg-arrow-cde" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" style="fill:#b42318"/></marker></defs>`);
  out.push(`<rect x="0" y="0" width="${w}" height="${h}" style="fill:#ffffff"/>`);
  out.push(`<text x="${PAD}" y="26" style="${FONT};font-size:15px;font-weight:600;fill:#17202b">${esc(o.title)}</text>`);
  out.push(`<g transform="translate(${PAD},${PAD + HEAD})">`);

  for (const g of map.groups) {
    const c = COLOR[g.group];
    out.push(`<g data-group="${g.group}"><rect x="${g.x}" y="${g.y}" width="${g.width}" height="${g.height}" rx="8" style="fill:${c.fill};stroke:${c.line};stroke-width:1.5${g.group === "out_of_scope" || g.group === "external" ? ";stroke-dasharray:6 4" : ""}"/>`);
    out.push(`<text x="${g.x + 12}" y="${g.y + 21}" style="${FONT};font-size:13px;font-weight:700;fill:${c.ink}">${esc(clip(`${g.label} · ${g.count}`, g.width, 7.4))}</text></g>`);
  }

  for (const e of map.edges) {
    if (e.points.length < 2) continue;
    const [first, ...rest] = e.points;
    // ELK's spline sections are cubic Bézier control points after the start.
    const d = rest.length % 3 === 0 && rest.length > 1
      ? `M${first!.x},${first!.y} ` + Array.from({ length: rest.length / 3 }, (_, i) => `C${rest.slice(i * 3, i * 3 + 3).map((p) => `${p.x},${p.y}`).join(" ")}`).join(" ")
      : `M${e.points.map((p) => `${p.x},${p.y}`).join(" L")}`;
    const width = (1 + 3.5 * Math.sqrt(e.edge.bytes / maxBytes)).toFixed(2);
    const stroke = e.edge.crossesCde ? "#b42318" : "#7b8794";
    const tip = `${e.edge.ports.slice(0, 8).join(", ")}${e.edge.ports.length > 8 ? ` +${e.edge.ports.length - 8}` : ""} · ${fmtBytes(e.edge.bytes)} · ${e.edge.flows} flows`;
    out.push(`<g data-edge="${esc(e.edge.source)}→${esc(e.edge.target)}"><title>${esc(tip)}</title><path d="${d}" style="fill:none;stroke:${stroke};stroke-width:${width};stroke-opacity:0.8" marker-end="url(#${e.edge.crossesCde ? "psg-arrow-cde" : "psg-arrow"})"/>`);
    const mid = e.points[Math.floor(e.points.length / 2)]!;
    const label = clip(e.edge.ports.slice(0, 3).join(", ") + (e.edge.ports.length > 3 ? "…" : ""), 150, 6);
    out.push(`<text x="${mid.x + 3}" y="${mid.y - 4}" style="${FONT};font-size:10px;fill:${stroke};paint-order:stroke;stroke:#ffffff;stroke-width:3px">${esc(label)}</text></g>`);
  }

  for (const p of map.nodes) {
    const c = COLOR[p.node.group];
    const body = [
      `<rect x="${p.x}" y="${p.y}" width="${p.width}" height="${p.height}" rx="5" style="fill:#ffffff;stroke:${c.ink};stroke-width:${p.node.count ? 1 : 1.4}${p.node.count ? ";stroke-dasharray:3 2" : ""}"/>`,
      `<text x="${p.x + 8}" y="${p.y + 16}" style="${FONT};font-size:12px;font-weight:600;fill:#17202b">${esc(clip(p.node.label, p.width, 6.9))}</text>`,
      `<text x="${p.x + 8}" y="${p.y + 30}" style="${FONT};font-size:10px;fill:#5b6776">${esc(clip(p.node.detail, p.width, 5.6))}</text>`,
    ].join("");
    const title = `<title>${esc(p.node.uid ?? `${p.node.label} (${p.node.detail})${p.node.drill && o.links ? " — open to see them" : ""}`)}</title>`;
    const href = o.links ? nodeHref(p.node) : null;
    out.push(href
      ? `<a href="${esc(href)}" data-node="${esc(p.node.id)}">${title}${body}</a>`
      : `<g data-node="${esc(p.node.id)}">${title}${body}</g>`);
  }
  out.push(`</g></svg>`);
  return out.join("\n");
}
