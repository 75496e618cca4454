/**
 * Lays the boundary map out with ELK (layered, compound nodes per scope, edges routed across
 * the groups). `elk.bundled.js` runs in workerd as in the browser (no Web Worker needed), so
 * the layout happens once on the server and the page, the export and a browser without
 * JavaScript all get the same picture.
 */
import ELK from "elkjs/lib/elk.bundled.js";
import type { ElkNode } from "elkjs/lib/elk-api.js";
import { MAP_GROUPS, MAP_GROUP_LABEL, type BoundaryMap, type MapEdge, type MapGroup, type MapNode } from "./graph.js";

export interface Box { x: number; y: number; width: number; height: number }
export interface PlacedGroup extends Box { group: MapGroup; label: string; count: number }
export interface PlacedNode extends Box { node: MapNode }
export interface PlacedEdge { edge: MapEdge; points: { x: number; y: number }[] }
export interface LaidOutMap { width: number; height: number; groups: PlacedGroup[]; nodes: PlacedNode[]; edges: PlacedEdge[] }

const NODE_HEIGHT = 38;
const CHAR = 6.6;
export const nodeWidth = (n: MapNode) => Math.min(240, Math.max(110, Math.ceil(Math.max(n.label.length * (CHAR + 0.6), n.detail.length * (CHAR - 0.8))) + 22));

const elk = new ELK();

export async function layoutBoundaryMap(map: BoundaryMap): Promise<LaidOutMap> {
  const present = MAP_GROUPS.filter((g) => map.nodes.some((n) => n.group === g));
  const root: ElkNode = {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "RIGHT",
      "elk.hierarchyHandling": "INCLUDE_CHILDREN",
      "elk.edgeRouting": "SPLINES",
      "elk.layered.spacing.nodeNodeBetweenLayers": "60",
      "elk.spacing.nodeNode": "14",
      "elk.spacing.componentComponent": "24",
      "elk.aspectRatio": "1.8",
      "org.eclipse.elk.json.edgeCoords": "ROOT",
      "org.eclipse.elk.json.shapeCoords": "ROOT",
    },
    children: present.map((g) => ({
      id: `group:${g}`,
      layoutOptions: { "elk.padding": "[top=34,left=14,bottom=14,right=14]", "elk.aspectRatio": "1.4" },
      children: map.nodes.filter((n) => n.group === g).map((n) => ({ id: n.id, width: nodeWidth(n), height: NODE_HEIGHT })),
    })),
    edges: map.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] })),
  };
  const out = await elk.layout(root);
  const byId = new Map(map.nodes.map((n) => [n.id, n]));
  const edgeById = new Map(map.edges.map((e) => [e.id, e]));
  const groups: PlacedGroup[] = [];
  const nodes: PlacedNode[] = [];
  for (const g of out.children ?? []) {
    const group = g.id.slice("group:".length) as MapGroup;
    const members = g.children ?? [];
    const count = members.reduce((s, c) => s + (byId.get(c.id)?.count ?? 1), 0);
    groups.push({ group, label: MAP_GROUP_LABEL[group], count, x: g.x ?? 0, y: g.y ?? 0, width: g.width ?? 0, height: g.height ?? 0 });
    for (const c of members) nodes.push({ node: byId.get(c.id)!, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 });
  }
  const edges: PlacedEdge[] = (out.edges ?? []).map((e) => {
    const s = e.sections?.[0];
    const points = s ? [s.startPoint, ...(s.bendPoints ?? []), s.endPoint] : [];
    return { edge: edgeById.get(e.id)!, points };
  });
  return { width: Math.ceil(out.width ?? 0), height: Math.ceil(out.height ?? 0), groups, nodes, edges };
}
