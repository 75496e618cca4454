// See https://svelte.dev/docs/kit/types#app.d.ts
import type { Me } from "$lib/types";

declare global {
  namespace App {
    interface Locals {
      /** The signed-in person, their tenant and role capabilities; null when signed out. */
      me: Me | null;
      /** The session token from the HttpOnly cookie, forwarded to the API; never sent to the browser. */
      sessionToken: string | null;
    }
    interface Error {
      message: string;
      code?: string;
    }
    interface Platform {
      env: { API: { fetch(request: Request): Promise<Response> }; API_PUBLIC_URL?: string };
      ctx?: ExecutionContext;
    }
  }
}

export {};
