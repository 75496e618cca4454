// Bundles the collector CLI into one ESM file for the container: node dist/collector/cli.mjs
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

await build({
  entryPoints: [`${root}collector/src/cli.ts`],
  outfile: `${root}dist/collector/cli.mjs`,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  sourcemap: "linked",
  legalComments: "none",
  logLevel: "warning",
  // The AWS SDK is CommonJS inside: give the ESM bundle a require() for its dynamic requires.
  banner: {
    js: [
      "import { createRequire as __psgCreateRequire } from 'node:module';",
      "import { fileURLToPath as __psgFileURLToPath } from 'node:url';",
      "import { dirname as __psgDirname } from 'node:path';",
      "const require = __psgCreateRequire(import.meta.url);",
      "const __filename = __psgFileURLToPath(import.meta.url);",
      "const __dirname = __psgDirname(__filename);",
    ].join("\n"),
  },
});
console.log("built dist/collector/cli.mjs");
