import { randomSecret, sha256OfText } from "../../lib/crypto.js";

/** Session tokens look like `psgs_<256 random bits, base64url>`; the prefix tells them from API keys. */
export const SESSION_PREFIX = "psgs_";
/** Absolute lifetime of a session; signing in again makes a new one. */
export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function mintSessionToken(): string {
  return `${SESSION_PREFIX}${randomSecret()}`;
}

export function isSessionToken(token: string): boolean {
  return /^psgs_[A-Za-z0-9_-]{43}$/.test(token);
}

/** The row id: only the hash of the token is ever stored. */
export function sessionId(token: string): Promise<string> {
  return sha256OfText(token);
}
