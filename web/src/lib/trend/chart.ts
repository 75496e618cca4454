/**
 * Scope size over time as SVG paths (pure; the overview draws them inline). Each scope gets
 * its own vertical scale: a CDE of 40 beside 90,000 out-of-scope resources would otherwise be
 * a flat line at zero, and what matters is how each one moves.
 */
/** The trend ranges the overview offers (`?trend=`); anything else falls back to 90 days. */
export const TREND_DAYS = [7, 30, 90, 365] as const;

export interface TrendPoint {
  at: number;
  cde: number;
  connected: number;
  security_impacting: number;
  out_of_scope: number;
  unclassified: number;
  total: number;
}

export type TrendSeries = "cde" | "security_impacting" | "connected" | "out_of_scope";

export interface SeriesChart {
  series: TrendSeries;
  /** `M…L…` through the points; a single point is a short flat stroke so it stays visible. */
  line: string;
  /** The line closed down to the baseline, for a light fill. */
  area: string;
  dots: { x: number; y: number }[];
  first: number;
  last: number;
  min: number;
  max: number;
}

export interface ChartBox {
  width: number;
  height: number;
  /** Unix ms at the left and right edges: the requested range, so gaps in the data show as gaps. */
  from: number;
  to: number;
  pad?: number;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

export function seriesChart(points: TrendPoint[], series: TrendSeries, box: ChartBox): SeriesChart {
  const pad = box.pad ?? 3;
  const values = points.map((p) => p[series]);
  const min = values.length ? Math.min(...values) : 0;
  const max = values.length ? Math.max(...values) : 0;
  // Zero-based unless the series never gets near zero; a flat series sits in the middle.
  const lo = min > 0 && min > (max - min) * 2 ? Math.max(0, min - (max - min)) : 0;
  const hi = max === lo ? lo + 1 : max;
  const span = Math.max(box.to - box.from, 1);
  const x = (at: number) => r1(pad + ((Math.min(Math.max(at, box.from), box.to) - box.from) / span) * (box.width - 2 * pad));
  const y = (v: number) => r1(max === min && min > 0 ? box.height / 2 : box.height - pad - ((v - lo) / (hi - lo)) * (box.height - 2 * pad));
  const dots = points.map((p) => ({ x: x(p.at), y: y(p[series]) }));
  let line = dots.map((d, i) => `${i === 0 ? "M" : "L"}${d.x},${d.y}`).join("");
  if (dots.length === 1) line += `L${r1(Math.min(dots[0]!.x + 6, box.width - pad))},${dots[0]!.y}`;
  const base = box.height - pad;
  const area = dots.length > 1 ? `${line}L${dots[dots.length - 1]!.x},${base}L${dots[0]!.x},${base}Z` : "";
  return { series, line, area, dots, first: values[0] ?? 0, last: values[values.length - 1] ?? 0, min, max };
}
