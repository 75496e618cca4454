import { api, raise } from "$lib/server/api";
import type { DriftEventView, Page } from "$lib/types";
import type { PageServerLoad } from "./$types";

const KINDS = ["resource_added", "resource_removed", "scope_changed", "new_boundary_flow", "cde_control_rule_changed"];
const SEVERITIES = ["critical", "high", "medium", "low"];
const WINDOWS: Record<string, number> = { "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 };

/** Drift between scans and after overrides/flows, newest first; the URL holds the filter. */
export const load: PageServerLoad = async (event) => {
  const p = event.url.searchParams;
  const kind = KINDS.includes(p.get("kind") ?? "") ? p.get("kind")! : undefined;
  const severity = SEVERITIES.includes(p.get("severity") ?? "") ? p.get("severity")! : undefined;
  const window = p.get("window") && WINDOWS[p.get("window")!] ? p.get("window")! : undefined;
  const uid = p.get("uid")?.trim() || undefined;
  const cursor = p.get("cursor") || undefined;
  const since = window ? Date.now() - WINDOWS[window]! : undefined;
  try {
    const page = await api(event).get<Page<DriftEventView>>("/v1/drift", { kind, severity, uid, since, cursor, limit: 100 });
    return { page, filter: { kind, severity, window, uid } };
  } catch (e) {
    raise(e);
  }
};
