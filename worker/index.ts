import { app } from "./app.js";

export { TenantScope } from "./durable-objects/tenant-scope/object.js";

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
