import type { Cookies } from "@sveltejs/kit";

/** HttpOnly so scripts never see it, Secure, SameSite=Lax so an emailed link still lands signed in. */
export const SESSION_COOKIE = "psg_session";

export function setSessionCookie(cookies: Cookies, token: string, expiresAt: string): void {
  cookies.set(SESSION_COOKIE, token, { path: "/", httpOnly: true, secure: true, sameSite: "lax", expires: new Date(expiresAt) });
}

export function clearSessionCookie(cookies: Cookies): void {
  cookies.delete(SESSION_COOKIE, { path: "/", httpOnly: true, secure: true, sameSite: "lax" });
}

/** Only same-site paths after sign-in, never an open redirect. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}
