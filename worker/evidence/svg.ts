/** A few SVG primitives for the generated diagrams; deterministic text, escaped. */
export const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
export const clip = (s: string, n = 38) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export const SCOPE_COLOURS: Record<string, string> = {
  cde: "#c62828",
  security_impacting: "#ef6c00",
  connected: "#f9a825",
  out_of_scope: "#2e7d32",
  unmapped: "#616161",
  unclassified: "#9e9e9e",
};

export function svgDocument(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<title>${esc(title)}</title>`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#455a64"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="16" font-weight="bold">${esc(title)}</text>`,
    ...body,
    `</svg>`,
    "",
  ].join("\n");
}

export function box(x: number, y: number, w: number, h: number, fill: string, lines: string[], stroke = "#37474f"): string {
  const text = lines.map((l, i) => `<text x="${x + 8}" y="${y + 18 + i * 15}"${i === 0 ? ' font-weight="bold"' : ""}>${esc(l)}</text>`).join("");
  return `<g><rect x="${x}" y="${y}" width="${w}" height="${h}" rx="6" fill="${fill}" fill-opacity="0.15" stroke="${stroke}"/>${text}</g>`;
}

export function arrow(x1: number, y1: number, x2: number, y2: number, label: string, colour = "#455a64"): string {
  const mx = (x1 + x2) / 2;
  const my = (y1 + y2) / 2;
  return `<g><path d="M ${x1} ${y1} C ${mx} ${y1}, ${mx} ${y2}, ${x2} ${y2}" fill="none" stroke="${colour}" stroke-width="1.5" marker-end="url(#arrow)"/><text x="${mx}" y="${my - 4}" text-anchor="middle" font-size="10" fill="#263238">${esc(label)}</text></g>`;
}
