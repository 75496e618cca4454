import { randomSecret, sha256OfText } from "../../lib/crypto.js";

/** Invite links carry `psginv_<256 random bits>`; only the SHA-256 is stored. */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function mintInviteToken(): string {
  return `psginv_${randomSecret()}`;
}

export function inviteTokenHash(token: string): Promise<string> {
  return sha256OfText(token);
}
