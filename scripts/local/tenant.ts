import { existsSync, readFileSync, writeFileSync } from "node:fs";

export interface DemoTenant {
  tenantId: string;
  apiKey: string;
  created: boolean;
}

/** Reuses the demo tenant recorded in `file` while its key still works, else creates one. */
export async function ensureDemoTenant(api: string, operatorToken: string, file: string): Promise<DemoTenant> {
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, "utf8")) as { tenantId: string; apiKey: string };
    const probe = await fetch(`${api}/v1/scope/summary`, { headers: { authorization: `Bearer ${saved.apiKey}` } });
    if (probe.ok) return { ...saved, created: false };
  }
  const created = await createTenant(api, operatorToken, "Northwind Outfitters (demo)");
  writeFileSync(file, JSON.stringify(created, null, 2), { mode: 0o600 });
  return { ...created, created: true };
}

export async function createTenant(api: string, operatorToken: string, name: string): Promise<{ tenantId: string; apiKey: string }> {
  const res = await fetch(`${api}/v1/admin/tenants`, {
    method: "POST",
    headers: { authorization: `Bearer ${operatorToken}`, "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  const body = (await res.json()) as { tenantId?: string; apiKey?: string; error?: { code: string; message: string } };
  if (!res.ok || !body.tenantId || !body.apiKey) throw new Error(`creating tenant failed (${res.status}): ${JSON.stringify(body)}`);
  return { tenantId: body.tenantId, apiKey: body.apiKey };
}

export async function createEnrollmentToken(api: string, apiKey: string): Promise<string> {
  const res = await fetch(`${api}/v1/enrollment-tokens`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "demo collector" }),
  });
  const body = (await res.json()) as { token?: string };
  if (!res.ok || !body.token) throw new Error(`creating an enrollment token failed (${res.status}): ${JSON.stringify(body)}`);
  return body.token;
}
