interface Summary {
  resources: { total: number; byScope: Record<string, number>; stale: number };
  flows: { edges: number; accepted: number; rejected: number; unmapped: number };
}

interface ResourceRow {
  uid: string;
  name: string;
  kind: string;
  scope: string;
  confidence: number;
  reasons?: Array<{ rule: string; summary: string }>;
}

async function get<T>(api: string, apiKey: string, path: string): Promise<T> {
  const res = await fetch(`${api}${path}`, { headers: { authorization: `Bearer ${apiKey}` } });
  if (!res.ok) throw new Error(`GET ${path} → ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

const ORDER = ["cde", "security_impacting", "connected", "out_of_scope"];

/** Prints counts per scope and, for each scope, a few instances with their deciding reason. */
export async function printScope(api: string, apiKey: string, say: (line: string) => void): Promise<void> {
  const summary = await get<Summary>(api, apiKey, "/v1/scope/summary");
  say("");
  say("PCI DSS scope of Northwind Outfitters (sample cloud)");
  say(`  ${summary.resources.total} resources, ${summary.flows.edges} flow edges (${summary.flows.accepted} accepted, ${summary.flows.rejected} rejected)`);
  for (const scope of ORDER) say(`  ${scope.padEnd(20)} ${String(summary.resources.byScope[scope] ?? 0).padStart(4)}`);
  for (const scope of ORDER) {
    const page = await get<{ items: ResourceRow[] }>(api, apiKey, `/v1/resources?scope=${scope}&kind=instance&limit=8`);
    if (page.items.length === 0) continue;
    say("");
    say(`${scope}:`);
    for (const row of page.items) {
      const detail = await get<{ decision?: { reasons: Array<{ rule: string; summary: string }> } }>(api, apiKey, `/v1/resources/${encodeURIComponent(row.uid)}`);
      const reason = detail.decision?.reasons[0];
      say(`  ${row.name.padEnd(22)} ${row.confidence.toFixed(2)}  ${reason ? `${reason.rule}: ${reason.summary}` : ""}`);
    }
  }
}
