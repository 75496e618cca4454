import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Every test file starts from a D1 with the real migrations applied.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
