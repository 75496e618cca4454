// Bindings only the tests have (vitest.config.ts adds them through miniflare).
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
  }
}
