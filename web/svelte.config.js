import adapter from "@sveltejs/adapter-cloudflare";
import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter(),
    // The API's types, as \`tsc -b\` declares them (dist/types; \`npm run typecheck\` builds them
    // first). Imports through it are type-only, so nothing of the worker is bundled, and the
    // web app's checker (DOM + Workers types) does not re-check the worker's own sources.
    alias: { $api: "../dist/types/worker/worker" },
    // Scripts and styles only from ourselves; SvelteKit adds hashes for its inline bootstrap.
    csp: {
      mode: "auto",
      directives: {
        "default-src": ["self"],
        "img-src": ["self", "data:"],
        "style-src": ["self", "unsafe-inline"],
        "connect-src": ["self"],
        "frame-ancestors": ["none"],
        "base-uri": ["self"],
        "form-action": ["self"],
      },
    },
  },
};
