import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const migrationsDir = fileURLToPath(new URL("./migrations", import.meta.url));
const webLib = fileURLToPath(new URL("./web/src/lib", import.meta.url));

export default defineConfig({
  test: {
    projects: [
      {
        // The API worker and its Durable Object, inside real workerd with local D1/R2.
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              // EVIDENCE_KEY_SECRET stands in for the Worker secret that wraps evidence keys.
              bindings: { TEST_MIGRATIONS: await readD1Migrations(migrationsDir), EVIDENCE_KEY_SECRET: "evidence-secret-for-tests-only" },
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          setupFiles: ["./test/worker/setup.ts"],
        },
      },
      {
        // The web app's load functions and form actions, in workerd, against the real API
        // worker standing in for the service binding (same D1, same Durable Objects).
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: { TEST_MIGRATIONS: await readD1Migrations(migrationsDir), EVIDENCE_KEY_SECRET: "evidence-secret-for-tests-only" } },
          })),
        ],
        resolve: { alias: { $lib: webLib } },
        test: {
          name: "web",
          include: ["test/web/server/**/*.test.ts"],
          setupFiles: ["./test/worker/setup.ts"],
        },
      },
      {
        // The web app end to end in real Chromium (playwright-core), both workers in wrangler dev.
        test: {
          name: "web-e2e",
          include: ["test/web/e2e/**/*.test.ts"],
          // Each file builds web/ into the same output folder and starts two wrangler dev
          // servers: run them one after another so builds and ports never collide.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        // The collector, the pure scope engine and the end-to-end run, in Node.
        test: {
          name: "node",
          include: ["test/collector/**/*.test.ts", "test/scope/**/*.test.ts", "test/e2e/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
