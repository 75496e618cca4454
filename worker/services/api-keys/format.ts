import { randomId, randomSecret } from "../../lib/crypto.js";

/**
 * API keys look like `psg_<id>_<secret>`: the id finds the row, the secret (256 random bits)
 * proves possession, and only SHA-256 of the whole key is stored.
 */
export function mintApiKey(): { id: string; token: string; prefix: string } {
  const id = randomId("", 8);
  return { id, token: `psg_${id}_${randomSecret()}`, prefix: `psg_${id}` };
}

export function parseApiKey(token: string): { id: string; token: string } | null {
  const m = /^psg_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/.exec(token);
  return m?.[1] ? { id: m[1], token } : null;
}
