import adapter from "@sveltejs/adapter-cloudflare";
import { vitePreprocess } from "@sveltejs/vite-plugin-svelte";

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter(),
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
