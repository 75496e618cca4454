import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export interface DemoAccount {
  tenantId: string;
  apiKey: string;
  email: string;
  password: string;
  created: boolean;
}

export const DEMO_EMAIL = "demo@northwind.example";

async function post<T>(api: string, path: string, body: unknown, bearer?: string): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const res = await fetch(`${api}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

/**
 * The demo tenant with a ready login: its owner signs up through the same API the web app
 * uses, then makes the admin API key the sample collector is enrolled with. Reused while the
 * saved login still works (the local D1 persists under .wrangler/state).
 */
export async function ensureDemoAccount(api: string, file: string): Promise<DemoAccount> {
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, "utf8")) as Partial<DemoAccount>;
    if (saved.email && saved.password && saved.apiKey && saved.tenantId) {
      const login = await post(api, "/v1/auth/login", { email: saved.email, password: saved.password });
      const probe = await fetch(`${api}/v1/scope/summary`, { headers: { authorization: `Bearer ${saved.apiKey}` } });
      if (login.status === 201 && probe.ok) return { ...(saved as DemoAccount), created: false };
    }
  }
  const password = randomBytes(9).toString("base64url");
  // A fresh local state may still hold the address from an older run of this state: vary it.
  let email = DEMO_EMAIL;
  let signup = await post<{ token?: string; tenant?: { id: string }; error?: { code: string } }>(api, "/v1/auth/signup", {
    tenantName: "Northwind Outfitters (demo)",
    name: "Demo Owner",
    email,
    password,
  });
  if (signup.status === 409) {
    email = `demo+${randomBytes(3).toString("hex")}@northwind.example`;
    signup = await post(api, "/v1/auth/signup", { tenantName: "Northwind Outfitters (demo)", name: "Demo Owner", email, password });
  }
  if (signup.status !== 201 || !signup.body.token || !signup.body.tenant) throw new Error(`demo sign-up failed (${signup.status}): ${JSON.stringify(signup.body)}`);
  const key = await post<{ apiKey?: string }>(api, "/v1/api-keys", { name: "demo collector and scripts", role: "admin" }, signup.body.token);
  if (key.status !== 201 || !key.body.apiKey) throw new Error(`demo API key failed (${key.status}): ${JSON.stringify(key.body)}`);
  const account = { tenantId: signup.body.tenant.id, apiKey: key.body.apiKey, email, password };
  writeFileSync(file, JSON.stringify(account, null, 2), { mode: 0o600 });
  return { ...account, created: true };
}
