import type { HealthResponse } from '../../../common/api.js';
import type { RouteModule } from '../context.js';

/** GET /health (no auth): liveness, version, and the embedded demo site so the pane can prefill. */
export const healthRoutes: RouteModule = (app, ctx) => {
  app.get('/health', async (): Promise<HealthResponse> => ({
    ok: true,
    version: ctx.version,
    ...(ctx.demo ? { demo: ctx.demo } : {}),
  }));
};
