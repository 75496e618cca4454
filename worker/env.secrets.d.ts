// Secrets are not in wrangler.toml, so `wrangler types` cannot see them (see the note there).
declare namespace Cloudflare {
  interface Env {
    /** Enables POST /v1/admin/tenants when set. Locally from .dev.vars. */
    OPERATOR_TOKEN?: string;
  }
}
interface Env {
  OPERATOR_TOKEN?: string;
}
