import { app } from "./app.js";
import { scheduledEvidence } from "./services/evidence/scheduled.js";

export { TenantScope } from "./durable-objects/tenant-scope/object.js";

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
  // Hourly: each tenant's signed evidence once a day (worker/services/evidence/scheduled.ts).
  scheduled: (controller, env, ctx) => ctx.waitUntil(scheduledEvidence(env, controller.scheduledTime)),
} satisfies ExportedHandler<Env>;
